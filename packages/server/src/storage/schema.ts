/**
 * The tables, as Kysely sees them. Times are epoch milliseconds (BIGINT on PostgreSQL, INTEGER on SQLite),
 * flags are 0/1 and lists are JSON text, so one migration set and one set of queries serve both dialects.
 * Each feature's store owns the SQL for its tables; this file only describes them.
 */
export interface UserTable {
  id: string;
  email: string;
  username: string;
  password_hash: string | null;
  first_name: string;
  last_name: string;
  /** JSON array of global roles, e.g. ["user"] or ["admin","user"]. */
  roles: string;
  /** JSON object of free-form profile metadata. */
  metadata: string;
  last_workspace_id: string | null;
  created_at: number;
  updated_at: number;
  /** When the owner proved the address is theirs (a verification link, an invitation); null until then. */
  email_verified_at: number | null;
  /** Set by an admin: every credential of the user is refused until enabled again. */
  disabled_at: number | null;
  /** When a second factor (TOTP) was confirmed; null without one. */
  second_factor_at: number | null;
  /** Profile fields of the Qelos wire (sign-up, POST /api/me); null when not given. */
  phone: string | null;
  /** `YYYY-MM-DD`. */
  birth_date: string | null;
}

/**
 * One namespace for sign-in: every e-mail and username as its identifier key (accounts/identifiers.ts),
 * unique across both kinds, so a typed identifier names at most one account.
 */
export interface LoginIdentifierTable {
  identifier: string;
  user_id: string;
  /** An account has one `email` row, and a `username` row unless its username is its e-mail. */
  kind: 'email' | 'username';
}

export interface SessionTable {
  /** Public id, shown in the session list. */
  id: string;
  /** SHA-256 of the cookie value: the raw value never touches the database. */
  token_hash: string;
  user_id: string;
  workspace_id: string | null;
  created_at: number;
  last_seen_at: number;
  /** Absolute end; the idle end is last_seen_at + idle_ttl_ms. */
  expires_at: number;
  idle_ttl_ms: number;
  user_agent: string | null;
  ip: string | null;
  /**
   * How the session began (RFC 8176 `amr`), a JSON array such as `["fed"]` or `["pwd","otp","mfa"]`; what
   * an OAuth authorization that reuses the session reports. Null for a session from before 0028.
   */
  amr: string | null;
}

export interface SignInThrottleTable {
  /** `ip:<address or /64>`, `account:<user id>`, or `login:<identifier key>` for an identifier no account has. */
  key: string;
  hits: number;
  /** `ip:` rows: the start of the one-minute window. Account rows: the time of the last guess (for decay). */
  window_started_at: number;
  locked_until: number;
}

export interface SettingTable {
  key: string;
  /** JSON. */
  value: string;
  updated_at: number;
}

export interface WorkspaceTable {
  id: string;
  name: string;
  created_by: string | null;
  created_at: number;
  updated_at: number;
}

export interface WorkspaceMemberTable {
  workspace_id: string;
  user_id: string;
  role: string;
  created_at: number;
}

export interface ApiTokenTable {
  id: string;
  user_id: string;
  /** The workspace the token is locked to; null for a token that acts without a workspace. */
  workspace_id: string | null;
  nickname: string;
  /** SHA-256 of the whole token: the raw value never touches the database. */
  token_hash: string;
  /** First 8 characters (`gth_` + 4), shown in lists so users can tell their tokens apart. */
  token_prefix: string;
  /** JSON array of scopes. */
  scopes: string;
  /** Null only for a never-expiring token (when the admin allows them). */
  expires_at: number | null;
  last_used_at: number | null;
  usage_count: number;
  created_at: number;
  /** The successor minted by a rotation; set once (one conditional UPDATE), so one rotation wins. */
  replaced_by: string | null;
  /** End of a rotation's overlap: the token is refused from then on, like a revoked one. */
  rotation_ends_at: number | null;
  /** Expiry notices sent: 0, 1 (seven days before), 2 (one day before). */
  expiry_notices: number;
  /** Until when one instance holds the claim on the next notice, while it sends it; null when nobody does. */
  expiry_notice_lease: number | null;
}

/** What a one-time account link is for. */
export type AccountLinkPurpose = 'password_reset' | 'invitation' | 'email_verification' | 'email_change';

/** A one-time link sent by e-mail; only the SHA-256 of its secret is stored. */
export interface AccountLinkTable {
  id: string;
  token_hash: string;
  user_id: string;
  purpose: AccountLinkPurpose;
  /** The address the link proves (verification, change); null for resets and invitations. */
  email: string | null;
  created_at: number;
  expires_at: number;
  /** Set by the one atomic statement that uses the link. */
  consumed_at: number | null;
}

/** A user's TOTP secret (RFC 6238), sealed with the master key. */
export interface TotpFactorTable {
  user_id: string;
  secret_sealed: string;
  created_at: number;
  /** Null while enrolment waits for its first code. */
  confirmed_at: number | null;
  /** The last time step a code was accepted for: a code of that step or earlier is a replay (RFC 6238 §5.2). */
  last_step: number | null;
}

export interface RecoveryCodeTable {
  user_id: string;
  /** SHA-256 of the normalised code. */
  code_hash: string;
  created_at: number;
  used_at: number | null;
}

/** A password sign-in waiting for its second factor. */
export interface SignInChallengeTable {
  id: string;
  token_hash: string;
  user_id: string;
  /** 'cookie' or 'oauth': how the completed sign-in answers. */
  auth_type: string;
  remember: number;
  workspace_id: string | null;
  /** Wrong codes against this challenge; it dies after a few. */
  failures: number;
  /** JSON array: how the first step authenticated (RFC 8176, `pwd` or `fed`); null meant a password. */
  amr: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

/** One admin action, for the audit trail. Ids and e-mails are copied: the trail outlives the accounts. */
export interface AdminAuditTable {
  id: string;
  /** Null for the command line (`gatehouse users …`). */
  actor_id: string | null;
  actor_email: string | null;
  target_id: string | null;
  target_email: string | null;
  action: string;
  /** JSON object with what the action changed (never a secret). */
  detail: string;
  ip: string | null;
  created_at: number;
}

/** A role an admin defined besides the built-in ones; `kind` says where it applies. */
export interface CustomRoleTable {
  kind: 'global' | 'workspace';
  name: string;
  description: string;
  created_at: number;
}

/** A one-time invite link to a workspace; only the SHA-256 of its secret is stored. */
export interface WorkspaceInviteTable {
  id: string;
  workspace_id: string;
  token_hash: string;
  role: string;
  /** When set, only the account with this (normalised) email may accept. */
  email: string | null;
  created_by: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  consumed_by: string | null;
}

/** Keys that sign JWTs (features/signing-keys). The private half is stored sealed with the master key. */
export interface SigningKeyTable {
  /** RFC 7638 thumbprint of the public key: the `kid` in JWT headers and the JWKS. */
  kid: string;
  alg: string;
  /** Public JWK, JSON: what /oauth2/jwks publishes. */
  public_jwk: string;
  /** Private JWK, JSON, sealed by SecretBox: never readable without the master key. */
  private_jwk_sealed: string;
  /** The algorithm while this key signs; null once retired. Unique: one signing key per algorithm. */
  active_for: string | null;
  created_at: number;
  retired_at: number | null;
  /** A retired key still verifies until then (the rotation grace); null while active. */
  verify_until: number | null;
}

/** A token session: every refresh token and access token issued from one sign-in (features/tokens). */
export interface TokenFamilyTable {
  id: string;
  user_id: string;
  workspace_id: string | null;
  created_at: number;
  /** Absolute end: no refresh past it, however active. */
  expires_at: number;
  /** Set on logout, reuse of a rotated refresh token, or password change; kills the family's access tokens too. */
  revoked_at: number | null;
  revoked_reason: string | null;
  user_agent: string | null;
  ip: string | null;
  /** The OAuth client this grant was issued to; null for a first-party sign-in (/api/signin). */
  client_id: string | null;
  /** OAuth: the granted scopes (space-separated); a refresh may narrow them, never widen. */
  scope: string | null;
  /** OAuth: the audiences (RFC 8707 resources, space-separated) the grant covers; null means Gatehouse. */
  resource: string | null;
  /** OAuth: when the user signed in for this grant (ID token `auth_time`). */
  auth_time: number | null;
  /** OAuth: JSON array of authentication methods (ID token `amr`). */
  amr: string | null;
}

export interface RefreshTokenTable {
  /** SHA-256 of the opaque refresh token. */
  token_hash: string;
  family_id: string;
  created_at: number;
  /** Idle end: a token not rotated by then is dead (capped at the family's absolute end). */
  expires_at: number;
  /** Set by the one atomic rotation statement; a second use of a consumed token is reuse. */
  consumed_at: number | null;
  /** The successor's raw value sealed by SecretBox, so a retry within the retry window gets the same one. */
  successor_sealed: string | null;
  successor_until: number | null;
}

/** A social login provider an admin configured (features/social). */
export interface SocialProviderTable {
  /** `google`, `github`, `facebook`, `linkedin`, or the name of a generic OpenID Connect provider. */
  name: string;
  display_name: string;
  enabled: number;
  client_id: string;
  /** Sealed by SecretBox with the master key; never returned by any API. */
  client_secret_sealed: string | null;
  /** OpenID Connect issuer (discovery); null for the built-in non-OIDC providers unless overridden. */
  issuer: string | null;
  /** Overrides of what discovery or the built-in definition says; null keeps the default. */
  authorization_endpoint: string | null;
  token_endpoint: string | null;
  userinfo_endpoint: string | null;
  /** Space-separated; null keeps the provider's default scopes. */
  scopes: string | null;
  /** JSON array of origins a `returnUrl` may point at. */
  return_origins: string;
  /** 0: a sign-in by someone without an account is refused instead of creating one. */
  auto_register: number;
  created_at: number;
  updated_at: number;
}

/** One social login in flight: our upstream `state`, stored hashed, consumed once. */
export interface SocialStateTable {
  state_hash: string;
  provider: string;
  /** The PKCE verifier (RFC 7636), sealed. */
  code_verifier_sealed: string;
  nonce: string;
  /** Already checked against the allow-list when the login started. */
  return_url: string;
  /** The application's own `state`, echoed back untouched. */
  app_state: string | null;
  /** Set when a signed-in user started the login: the identity is linked to them. */
  link_user_id: string | null;
  /** `link`: started by the explicit link call; comes back with `?linked=` and no sign-in code. */
  purpose: 'login' | 'link';
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

/** The one-time `rt` code handed to the application after a social login. */
export interface SocialCodeTable {
  code_hash: string;
  user_id: string;
  provider: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

/** An identity at a provider, linked to an account. */
export interface SocialIdentityTable {
  provider: string;
  /** The provider's stable user id (`sub`, GitHub's numeric id, Facebook's app-scoped id). */
  subject: string;
  user_id: string;
  email: string | null;
  linked_at: number;
  last_used_at: number | null;
}

/** A client registered for the OAuth authorization server (features/oauth/clients). */
export interface OAuthClientTable {
  id: string;
  name: string;
  /** SHA-256 of the secret; null for a public client. */
  secret_hash: string | null;
  is_public: number;
  /** 'web' or 'native' (RFC 8252: only a native client's loopback redirect may use any port). */
  application_type: string;
  /** JSON arrays. */
  redirect_uris: string;
  grant_types: string;
  /** Space-separated scopes the client may ask for. */
  scope: string;
  /** JSON array of audiences (RFC 8707 resources) the client may ask tokens for. */
  resources: string;
  /** First-party: no consent page. */
  trusted: number;
  /** Seconds; null for the server's defaults. */
  access_token_ttl: number | null;
  refresh_token_ttl: number | null;
  created_at: number;
  updated_at: number;
  secret_rotated_at: number | null;
  /** Signs its ID tokens: 'RS256', 'ES256' or 'EdDSA'; null means RS256 (0019). */
  id_token_alg: string | null;
}

/** An authorization request waiting for its login or consent step, bound to one browser. */
export interface OAuthInteractionTable {
  id: string;
  browser_hash: string;
  client_id: string;
  /** The validated authorization request, JSON. */
  request: string;
  /** Set once the user signed in during this interaction. */
  user_id: string | null;
  auth_time: number | null;
  amr: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface OAuthCodeTable {
  code_hash: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  scope: string;
  /** The RFC 8707 resources authorized, space-separated (features/oauth/resources.ts); null: none. */
  resource: string | null;
  nonce: string | null;
  code_challenge: string | null;
  auth_time: number;
  amr: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
  family_id: string | null;
}

/** A user's remembered consent to a client for some scopes. */
export interface OAuthConsentTable {
  user_id: string;
  client_id: string;
  scope: string;
  created_at: number;
  updated_at: number;
}

/** Revoked access tokens that no family can revoke (client credentials), until they would expire anyway. */
export interface OAuthRevokedTokenTable {
  jti: string;
  expires_at: number;
}

export interface Database {
  users: UserTable;
  login_identifiers: LoginIdentifierTable;
  sessions: SessionTable;
  sign_in_throttles: SignInThrottleTable;
  settings: SettingTable;
  workspaces: WorkspaceTable;
  workspace_members: WorkspaceMemberTable;
  signing_keys: SigningKeyTable;
  token_families: TokenFamilyTable;
  refresh_tokens: RefreshTokenTable;
  api_tokens: ApiTokenTable;
  custom_roles: CustomRoleTable;
  workspace_invites: WorkspaceInviteTable;
  account_links: AccountLinkTable;
  totp_factors: TotpFactorTable;
  recovery_codes: RecoveryCodeTable;
  sign_in_challenges: SignInChallengeTable;
  admin_audit: AdminAuditTable;
  social_providers: SocialProviderTable;
  social_states: SocialStateTable;
  social_codes: SocialCodeTable;
  social_identities: SocialIdentityTable;
  oauth_clients: OAuthClientTable;
  oauth_interactions: OAuthInteractionTable;
  oauth_codes: OAuthCodeTable;
  oauth_consents: OAuthConsentTable;
  oauth_revoked_tokens: OAuthRevokedTokenTable;
}
