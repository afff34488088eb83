/**
 * The admin-editable authentication settings (the Qelos `auth-configuration` names, so a Qelos admin
 * recognises them). Stored as one JSON row in `settings`; anything missing falls back to these defaults.
 */
export interface AuthConfiguration {
  /** Master switch for API tokens: off refuses creating them and stops every existing one authenticating. */
  allowUserTokenAuthentication: boolean;
  /**
   * Who may use API tokens: a user qualifies through a global role in `roles`, or through their role in the
   * token's workspace in `wsRoles`. `*` matches any role.
   */
  tokenAuthenticationPermissions: { roles: string[]; wsRoles: string[] };
  /** Live (unexpired) tokens one user may hold. */
  maxTokensPerUser: number;
  /** Allows `expiresAt: 'never'` and custom dates more than a year away. */
  allowNeverExpiring: boolean;
  /** Accepts `?api_key=` besides the `x-api-key` header. Off by default: URLs end up in logs and histories. */
  allowQueryParameter: boolean;
  /**
   * E-mail verification: `off` sends no link; `optional` sends one at sign-up and shows `emailVerified`;
   * `required` also refuses sign-in until the address is confirmed.
   */
  emailVerification: EmailVerificationPolicy;
  /** Who must sign in with a second factor: nobody (`off`, each user chooses), global `admins`, or `everyone`. */
  requireSecondFactor: SecondFactorPolicy;
}

export const EMAIL_VERIFICATION_POLICIES = ['off', 'optional', 'required'] as const;
export type EmailVerificationPolicy = (typeof EMAIL_VERIFICATION_POLICIES)[number];
export const SECOND_FACTOR_POLICIES = ['off', 'admins', 'everyone'] as const;
export type SecondFactorPolicy = (typeof SECOND_FACTOR_POLICIES)[number];

export const DEFAULT_AUTH_CONFIGURATION: AuthConfiguration = {
  allowUserTokenAuthentication: true,
  tokenAuthenticationPermissions: { roles: ['*'], wsRoles: ['*'] },
  maxTokensPerUser: 50,
  allowNeverExpiring: false,
  allowQueryParameter: false,
  emailVerification: 'optional',
  requireSecondFactor: 'off',
};

export type AuthConfigurationChanges = Partial<
  Omit<AuthConfiguration, 'tokenAuthenticationPermissions'> & {
    tokenAuthenticationPermissions: Partial<AuthConfiguration['tokenAuthenticationPermissions']>;
  }
>;

/** Applies changes (or a stored, possibly older, document) over a base; unknown keys are dropped. */
export function mergeAuthConfiguration(
  base: AuthConfiguration,
  changes: AuthConfigurationChanges,
): AuthConfiguration {
  const pick = <K extends keyof AuthConfiguration>(key: K, type: string): AuthConfiguration[K] =>
    typeof changes[key] === type ? (changes[key] as AuthConfiguration[K]) : base[key];
  const permissions = changes.tokenAuthenticationPermissions;
  const list = (value: unknown, fallback: string[]) =>
    Array.isArray(value) && value.every((v) => typeof v === 'string') ? [...value] : fallback;
  return {
    allowUserTokenAuthentication: pick('allowUserTokenAuthentication', 'boolean'),
    tokenAuthenticationPermissions: {
      roles: list(permissions?.roles, base.tokenAuthenticationPermissions.roles),
      wsRoles: list(permissions?.wsRoles, base.tokenAuthenticationPermissions.wsRoles),
    },
    maxTokensPerUser: pick('maxTokensPerUser', 'number'),
    allowNeverExpiring: pick('allowNeverExpiring', 'boolean'),
    allowQueryParameter: pick('allowQueryParameter', 'boolean'),
    emailVerification: oneOf(EMAIL_VERIFICATION_POLICIES, changes.emailVerification, base.emailVerification),
    requireSecondFactor: oneOf(SECOND_FACTOR_POLICIES, changes.requireSecondFactor, base.requireSecondFactor),
  };
}

function oneOf<T extends string>(allowed: readonly T[], value: unknown, fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}

/** Whether the policy makes this user sign in with a second factor. */
export function secondFactorRequired(config: AuthConfiguration, globalRoles: readonly string[]): boolean {
  return (
    config.requireSecondFactor === 'everyone' ||
    (config.requireSecondFactor === 'admins' && globalRoles.includes('admin'))
  );
}

function matches(allowed: readonly string[], held: readonly string[]): boolean {
  return allowed.includes('*') || held.some((role) => allowed.includes(role));
}

/**
 * Whether a user may hold and use API tokens: through a global role, or through their role in the token's
 * workspace (null for a token bound to no workspace). The same rule decides creation and every later
 * authentication, so narrowing the permissions takes existing tokens out of service too.
 */
export function mayUseApiTokens(
  config: AuthConfiguration,
  globalRoles: readonly string[],
  workspaceRole: string | null,
): boolean {
  if (!config.allowUserTokenAuthentication) return false;
  const { roles, wsRoles } = config.tokenAuthenticationPermissions;
  return matches(roles, globalRoles) || (workspaceRole !== null && matches(wsRoles, [workspaceRole]));
}
