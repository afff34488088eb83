/**
 * Compile-time check that the server's response schemas produce what the SDK's wire types promise
 * (ARCHITECTURE.md: types both sides need live in the SDK and are checked against the server's JSON
 * schemas). `npm run typecheck` compiles this file; a schema change that breaks an SDK type fails it.
 * Each line reads: a value of the server's schema type is assignable to the SDK type.
 */
import type { Static } from '@sinclair/typebox';
import type {
  AdminUser,
  ApiToken,
  AuthConfiguration,
  CreatedApiToken,
  CreatedWorkspaceInvite,
  DeploymentSettings,
  Role,
  Session,
  SessionSignin,
  SignInOptions,
  TokenSession,
  TokenSignin,
  User,
  Workspace,
  WorkspaceInvitation,
  WorkspaceInvite,
  WorkspaceMember,
} from '../packages/sdk/src/index.js';
import type { LinkedIdentity } from '../packages/sdk/src/integrations.js';
// Brings in the server's Fastify augmentations (request.auth, route config) that its route files rely on.
import type {} from '../packages/server/src/app.js';
import type { SessionPayload, TokenPayload } from '../packages/server/src/features/accounts/schemas.js';
import type { SignInOptionsView } from '../packages/server/src/features/accounts/sign-in-options.js';
import type { DeploymentSettings as DeploymentSettingsSchema } from '../packages/server/src/features/admin/deployment-settings.js';
import type { Role as RoleSchema } from '../packages/server/src/features/admin/schemas.js';
import type {
  ApiTokenView,
  CreatedApiToken as CreatedApiTokenSchema,
} from '../packages/server/src/features/api-tokens/schemas.js';
import type { AuthConfiguration as AuthConfigurationType } from '../packages/server/src/features/auth-config/configuration.js';
import type {
  AdminUser as AdminUserSchema,
  UserView,
} from '../packages/server/src/features/identity/schemas.js';
import type { SessionView } from '../packages/server/src/features/sessions/routes.js';
import type { LinkedIdentityView } from '../packages/server/src/features/social/routes.js';
import type { TokenSessionView } from '../packages/server/src/features/tokens/schemas.js';
import type {
  CreatedInvite,
  InvitationSent,
  InvitationView,
  InviteView,
  MemberView,
  WorkspaceItem,
} from '../packages/server/src/features/workspaces/schemas.js';

type Assignable<Server, Sdk> = Server extends Sdk ? true : never;
const checks: [
  Assignable<Static<typeof UserView>, User>,
  Assignable<Static<typeof WorkspaceItem>, Workspace>,
  Assignable<Static<typeof MemberView>, WorkspaceMember>,
  Assignable<Static<typeof ApiTokenView>, ApiToken>,
  Assignable<Static<typeof CreatedApiTokenSchema>, CreatedApiToken>,
  Assignable<Static<typeof SessionView>, Session>,
  Assignable<Static<typeof SessionPayload>, SessionSignin>,
  Assignable<Static<typeof TokenPayload>, TokenSignin>,
  Assignable<Static<typeof TokenSessionView>, TokenSession>,
  Assignable<Static<typeof SignInOptionsView>, SignInOptions>,
  Assignable<DeploymentSettingsSchema, DeploymentSettings>,
  Assignable<Static<typeof AdminUserSchema>, AdminUser>,
  Assignable<Static<typeof RoleSchema>, Role>,
  Assignable<AuthConfigurationType, AuthConfiguration>,
  Assignable<Static<typeof CreatedInvite>, CreatedWorkspaceInvite>,
  Assignable<Static<typeof InviteView>, WorkspaceInvite>,
  Assignable<Static<typeof InvitationSent>, { invitation: WorkspaceInvite }>,
  Assignable<Static<typeof InvitationView>, WorkspaceInvitation>,
  Assignable<Static<typeof LinkedIdentityView>, LinkedIdentity>,
] = [
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
  true,
];
export default checks;
