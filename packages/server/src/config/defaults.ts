/**
 * Every fixed configuration default in one place, each read by load.ts. Entry `sessionIdleTtl` is the
 * default of GATEHOUSE_SESSION_IDLE_TTL (camelCase to UPPER_SNAKE), and docs/configuration.md shows the
 * same value (config-docs.test.ts checks both ways). Variables whose default is computed or absent (public
 * URL, master key, SMTP URL, sender, allowed origins, admin password, hash concurrency) are read and
 * explained in load.ts and the docs only.
 */
export const defaults = {
  /** GATEHOUSE_PORT: TCP port the server listens on. */
  port: 3000,
  /** GATEHOUSE_HOST: interface to bind. `0.0.0.0` inside containers. */
  host: 'localhost',
  /** GATEHOUSE_DATABASE_URL: a `postgres://` URL, or a SQLite file path. */
  databaseUrl: './data/gatehouse.db',
  /** GATEHOUSE_ADMIN_EMAIL / GATEHOUSE_ADMIN_PASSWORD: the first admin, created on first start only. */
  adminEmail: 'admin@localhost',
  /** GATEHOUSE_SIGNUP: `open` lets anyone create an account; `closed` (default) leaves it to admins and the CLI. */
  signup: 'closed' as 'open' | 'closed',
  /**
   * GATEHOUSE_TRUST_PROXY: whose X-Forwarded-For to believe: `true` (everyone), a hop count (`1`: the nearest peer),
   * or comma-separated addresses/CIDRs of your proxies. Off: a spoofed header never moves a rate limit.
   */
  trustProxy: false,
  /** GATEHOUSE_SESSION_IDLE_TTL: seconds of inactivity that end a cookie session (OWASP: 15–30 min). */
  sessionIdleTtl: 30 * 60,
  /** GATEHOUSE_SESSION_ABSOLUTE_TTL: seconds after which a cookie session ends however active. */
  sessionAbsoluteTtl: 12 * 60 * 60,
  /** GATEHOUSE_SESSION_REMEMBER_TTL: the absolute and idle lifetime of a "remember me" session. */
  sessionRememberTtl: 30 * 24 * 60 * 60,
  /** GATEHOUSE_ACCESS_TOKEN_TTL: lifetime in seconds of an access token (JWT). */
  accessTokenTtl: 10 * 60,
  /** GATEHOUSE_REFRESH_TOKEN_TTL: absolute lifetime in seconds of a refresh-token family. */
  refreshTokenTtl: 30 * 24 * 60 * 60,
  /** GATEHOUSE_REFRESH_TOKEN_IDLE_TTL: a refresh token unused this long (seconds) is dead. */
  refreshTokenIdleTtl: 14 * 24 * 60 * 60,
  /**
   * GATEHOUSE_REFRESH_TOKEN_RETRY_WINDOW: seconds during which a retry of the refresh token just rotated gets the
   * same successor (a response lost on the network); 0 turns it off. Older tokens never do (SECURITY.md). A
   * workspace switch hands the pre-switch token over longer, up to its own idle end (docs/tokens.md).
   */
  refreshTokenRetryWindow: 5,
  /**
   * GATEHOUSE_KEY_ROTATION_GRACE: seconds a signing key retired by `gatehouse keys rotate` still verifies and
   * stays in the JWKS. At least the access-token lifetime; default 1 hour or twice that lifetime if longer.
   */
  keyRotationGrace: 60 * 60,
  /** GATEHOUSE_INVITE_TTL: seconds a workspace invite link stays valid (it is also single-use). */
  inviteTtl: 7 * 24 * 60 * 60,
  /** GATEHOUSE_PRODUCT_NAME: the name messages and account pages use. */
  productName: 'Gatehouse',
  /** GATEHOUSE_PASSWORD_RESET_TTL: seconds a password-reset link stays valid (it is also single-use). */
  passwordResetTtl: 30 * 60,
  /** GATEHOUSE_EMAIL_VERIFICATION_TTL: seconds an e-mail verification or change link stays valid. */
  emailVerificationTtl: 24 * 60 * 60,
  /** GATEHOUSE_ACCOUNT_INVITATION_TTL: seconds the link of an account an admin created by invitation stays valid. */
  accountInvitationTtl: 7 * 24 * 60 * 60,
  /** GATEHOUSE_MAIL_RATE_PER_HOUR: reset and verification e-mails one address may be sent per hour (one client IP: 4 times as many). */
  mailRatePerHour: 5,
  /** GATEHOUSE_REAUTHENTICATION_WINDOW: seconds after a sign-in during which sensitive changes need no password again. */
  reauthenticationWindow: 5 * 60,
  /**
   * GATEHOUSE_DATABASE_QUERY_TIMEOUT: seconds a PostgreSQL query (or connection attempt) may take; a slower one fails
   * with 503 and its connection is replaced, so a network partition never leaves dead connections in the pool.
   */
  databaseQueryTimeout: 10,
  /** GATEHOUSE_DATABASE_WAIT: seconds start-up waits for the database to answer (orchestrators start both together). */
  databaseWait: 60,
  /** GATEHOUSE_SHUTDOWN_TIMEOUT: seconds after SIGTERM by which the process has exited, whatever the database does. */
  shutdownTimeout: 10,
  /** GATEHOUSE_SWEEP_INTERVAL: seconds between sweeps of expired rows (and API-token expiry notices). */
  sweepInterval: 10 * 60,
  /** GATEHOUSE_BODY_LIMIT: largest request body in bytes; bigger bodies get 413 before parsing. */
  bodyLimit: 64 * 1024,
  /** GATEHOUSE_LOG_LEVEL: fatal, error, warn, info, debug, trace or silent. */
  logLevel: 'info',
  /** GATEHOUSE_LOG_FORMAT: `json` (one JSON object a line), `pretty` (one readable line), or `auto`: pretty on a terminal. */
  logFormat: 'auto' as 'auto' | 'pretty' | 'json',
  /** GATEHOUSE_LOCKOUT_THRESHOLD: consecutive failed sign-ins on one account before it is locked. */
  lockoutThreshold: 10,
  /** GATEHOUSE_LOCKOUT_BASE_SECONDS / GATEHOUSE_LOCKOUT_MAX_SECONDS: the first lock, doubled per further failure, capped. */
  lockoutBaseSeconds: 60,
  lockoutMaxSeconds: 15 * 60,
  /**
   * GATEHOUSE_LOCKOUT_DECAY_SECONDS: failed guesses older than this are forgotten (at least the longest lock).
   * Keycloak's "failure reset time" default.
   */
  lockoutDecaySeconds: 12 * 60 * 60,
  /** GATEHOUSE_SIGNIN_RATE_PER_MINUTE: sign-in attempts per client IP (IPv6 per /64) per minute. */
  signinRatePerMinute: 20,
  /** GATEHOUSE_ARGON2_MEMORY_KIB / _TIME_COST / _PARALLELISM: argon2id cost (OWASP floor: 19456, 2, 1). */
  argon2MemoryKib: 19456,
  argon2TimeCost: 2,
  argon2Parallelism: 1,
} as const;
