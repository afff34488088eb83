export { type AccountLifecycle, secondFactorChallenge } from './account-lifecycle.js';
export type { AccountSecurity } from './account-security.js';
export type {
  Admin,
  AdminUser,
  AuditQuery,
  AuditRecord,
  AuthConfiguration,
  AuthConfigurationChanges,
  DeploymentSettings,
  NewUser,
  Role,
  RoleKind,
  SoleOwnedWorkspaces,
  UserListQuery,
} from './admin.js';
export type { Authentication } from './authentication.js';
export {
  type GatehouseClientErrorCode,
  GatehouseError,
  type GatehouseErrorCode,
  type GatehouseErrorInit,
  type GatehouseServerErrorCode,
} from './errors.js';
export { createGatehouseClient, GatehouseSDK } from './gatehouse-sdk.js';
export type { OAuth2 } from './oauth2/oauth2.js';
export type {
  AuthorizationCallback,
  AuthorizationFailure,
  AuthorizationRequest,
  AuthorizationServerMetadata,
  AuthorizationSuccess,
  AuthorizationUrlOptions,
  ClientCredentialsOptions,
  CodeExchange,
  IdTokenClaims,
  IntrospectionResponse,
  OAuthTokenSet,
  TokenReference,
  TokenTypeHint,
  UserInfo,
} from './oauth2/types.js';
export type {
  AuthMode,
  AuthOptions,
  FetchLike,
  GatehouseSDKOptions,
  OAuthClientOptions,
  RequestOptions,
  SessionOptions,
} from './options.js';
export type { RetryOptions } from './retry.js';
export type { SocialLogin } from './social-login.js';
export type { TokenAccess } from './token-access.js';
export {
  LocalStorageTokenStore,
  MemoryTokenStore,
  SessionStorageTokenStore,
  type TokenSet,
  type TokenStore,
} from './token-store.js';
export type {
  AccountExport,
  ApiToken,
  CreatedApiToken,
  MemberAddition,
  NewApiToken,
  OAuthGrant,
  ProfileChanges,
  RotatedApiToken,
  SecondFactorChallenge,
  SecondFactorProof,
  SecondFactorStatus,
  SensitiveChangeProof,
  Session,
  SessionSignin,
  SignInOptions,
  SigninCredentials,
  SignupInformation,
  SocialLoginOptions,
  SocialProvider,
  TokenSession,
  TokenSignin,
  TotpEnrolment,
  User,
  Workspace,
  WorkspaceActivation,
  WorkspaceInvitation,
  WorkspaceMember,
} from './types.js';
export type { WorkspaceInvitations } from './workspace-invitations.js';
export type { CreatedWorkspaceInvite, WorkspaceInvite, WorkspaceInvites } from './workspace-invites.js';
export type { WorkspaceMembers } from './workspace-members.js';
export type { Workspaces } from './workspaces.js';

import { GatehouseSDK } from './gatehouse-sdk.js';
export default GatehouseSDK;
