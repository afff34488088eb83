export type { AccountSecurity } from './account-security.js';
export type { Authentication } from './authentication.js';
export {
  type GatehouseClientErrorCode,
  GatehouseError,
  type GatehouseErrorCode,
  type GatehouseErrorInit,
  type GatehouseServerErrorCode,
} from './errors.js';
export { GatehouseSDK } from './gatehouse-sdk.js';
export type { AuthMode, FetchLike, GatehouseSDKOptions, RequestOptions } from './options.js';
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
  ApiToken,
  CreatedApiToken,
  CreatedInviteLink,
  MemberAddition,
  NewApiToken,
  ProfileChanges,
  Session,
  SessionSignin,
  SigninCredentials,
  SignupInformation,
  SocialLoginOptions,
  SocialProvider,
  TokenSignin,
  User,
  Workspace,
  WorkspaceActivation,
  WorkspaceInvitation,
  WorkspaceInvite,
  WorkspaceMember,
} from './types.js';
export type { WorkspaceInvitations } from './workspace-invitations.js';
export type { WorkspaceMembers } from './workspace-members.js';
export type { Workspaces } from './workspaces.js';

import { GatehouseSDK } from './gatehouse-sdk.js';
export default GatehouseSDK;
