import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { defaults } from './defaults.js';
import { defaultHashConcurrency } from './hash-concurrency.js';

export type TrustProxy = boolean | { hops: number } | { addresses: string[] };

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export interface Config {
  port: number;
  host: string;
  publicUrl: URL;
  /** True when the public URL is HTTPS: cookies get `Secure` and the `__Host-` prefix. */
  secureCookies: boolean;
  database: DatabaseConfig;
  /** Directory for the SQLite file and the generated master key. */
  dataDir: string;
  admin: { email: string; password: string | undefined };
  masterKey: string | undefined;
  signup: 'open' | 'closed';
  /** Whose X-Forwarded-For to believe: nobody, everybody, the nearest `hops` peers, or these addresses. */
  trustProxy: TrustProxy;
  allowedOrigins: string[];
  session: { idleTtl: number; absoluteTtl: number; rememberTtl: number };
  tokens: {
    accessTtl: number;
    refreshTtl: number;
    refreshIdleTtl: number;
    refreshRetryWindow: number;
    keyRotationGrace: number;
  };
  workspaces: { inviteTtl: number };
  /** True when NODE_ENV is `production`: without SMTP, mail-dependent features are off instead of logged. */
  production: boolean;
  mail: {
    /** `smtp` sends; `log` writes messages to the log (development without SMTP); `off` (production without SMTP). */
    delivery: 'smtp' | 'log' | 'off';
    smtpUrl: string | undefined;
    from: string;
    productName: string;
    ratePerHour: number;
  };
  accounts: {
    passwordResetTtl: number;
    emailVerificationTtl: number;
    invitationTtl: number;
    reauthenticationWindow: number;
  };
  bodyLimit: number;
  logLevel: string;
  /** How `gatehouse start` writes its log: `auto` is `pretty` on a terminal, `json` otherwise. */
  logFormat: 'auto' | 'pretty' | 'json';
  /** Seconds; see defaults.ts. */
  reliability: {
    databaseQueryTimeout: number;
    databaseWait: number;
    shutdownTimeout: number;
    sweepInterval: number;
  };
  /** GATEHOUSE_METRICS_TOKEN: `/metrics` is served only when set, and only to a bearer of it. */
  metricsToken: string | undefined;
  throttle: {
    lockoutThreshold: number;
    lockoutBaseSeconds: number;
    lockoutMaxSeconds: number;
    lockoutDecaySeconds: number;
    signinRatePerMinute: number;
  };
  argon2: { memoryCost: number; timeCost: number; parallelism: number; concurrency: number };
}

/** Raised for invalid configuration; the message is one line naming the variable. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

function integer(
  env: Env,
  name: string,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max)
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

function origin(name: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `"${raw}" is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, 'must be http(s)');
  return url.origin;
}

/**
 * The folder the default `./data` lives in: the project's root, so `npm start` at the root and
 * `npx gatehouse …` from any subfolder use the same database. That is the nearest folder with a
 * package.json, or the npm workspace root above it; the current folder when there is none.
 */
export function projectRoot(from: string = process.cwd()): string {
  let nearest: string | undefined;
  let workspaceRoot: string | undefined;
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      nearest ??= dir;
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown }).workspaces)
          workspaceRoot ??= dir;
      } catch {
        // An unreadable package.json says nothing about workspaces.
      }
    }
    if (dirname(dir) === dir) break;
  }
  return workspaceRoot ?? nearest ?? resolve(from);
}

function database(env: Env): DatabaseConfig {
  const given = env['GATEHOUSE_DATABASE_URL']?.trim();
  // The default is anchored at the project root; a path the operator gives is relative to the current folder.
  if (!given) return { kind: 'sqlite', path: resolve(projectRoot(), defaults.databaseUrl) };
  const raw = given;
  if (/^postgres(ql)?:\/\//.test(raw)) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError('GATEHOUSE_DATABASE_URL', 'is not a valid postgres:// URL');
    }
    return { kind: 'postgres', url: raw };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    throw new ConfigError('GATEHOUSE_DATABASE_URL', 'expected a postgres:// URL or a SQLite file path');
  }
  return { kind: 'sqlite', path: raw === ':memory:' ? raw : resolve(raw.replace(/^sqlite:/, '')) };
}

/** proxy-addr's named ranges (docs/configuration.md). */
const PROXY_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An address, a CIDR range (`10.0.0.0/8`, `fd00::/8`) or an IPv4 netmask (`10.0.0.0/255.0.0.0`). */
function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGES.has(entry)) return true;
  const [address = '', range, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (range === undefined) return true;
  if (/^\d+$/.test(range)) return Number(range) <= (family === 4 ? 32 : 128);
  return family === 4 && isIP(range) === 4;
}

/** `true`, `false`, a hop count, or comma-separated addresses/CIDRs (checked here, not at the first request). */
function trustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim() ?? '';
  if (value === '') return defaults.trustProxy;
  if (value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value) === 0 ? false : { hops: Number(value) };
  const addresses = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const wrong = addresses.find((entry) => !isProxyAddress(entry));
  if (wrong !== undefined || addresses.length === 0) {
    throw new ConfigError(
      'GATEHOUSE_TRUST_PROXY',
      `"${wrong ?? value}" is not true, false, a hop count, an IP address, a CIDR range, loopback, linklocal or uniquelocal`,
    );
  }
  return { addresses };
}

/** A retired key must outlive every token it signed, so the grace is never shorter than the access-token lifetime. */
function keyRotationGrace(env: Env): number {
  const accessTtl = integer(env, 'GATEHOUSE_ACCESS_TOKEN_TTL', defaults.accessTokenTtl, 1, 24 * 3600);
  const fallback = Math.max(defaults.keyRotationGrace, 2 * accessTtl);
  return integer(env, 'GATEHOUSE_KEY_ROTATION_GRACE', fallback, accessTtl);
}

function smtpUrl(env: Env): string | undefined {
  const raw = env['GATEHOUSE_SMTP_URL']?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // Never echo the value: it may carry the SMTP password.
    throw new ConfigError('GATEHOUSE_SMTP_URL', 'is not a valid smtp:// or smtps:// URL');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
    throw new ConfigError('GATEHOUSE_SMTP_URL', 'must start with smtp:// or smtps://');
  return raw;
}

function mail(env: Env, publicUrl: URL, production: boolean): Config['mail'] {
  const url = smtpUrl(env);
  const productName = (env['GATEHOUSE_PRODUCT_NAME'] || defaults.productName).trim();
  if (!productName || /[\r\n<>"]/.test(productName))
    throw new ConfigError('GATEHOUSE_PRODUCT_NAME', 'must be a plain, non-empty name');
  const from = env['GATEHOUSE_MAIL_FROM']?.trim() || undefined;
  if (from !== undefined && (/[\r\n]/.test(from) || !/@/.test(from)))
    throw new ConfigError('GATEHOUSE_MAIL_FROM', 'must be an address such as "Acme <no-reply@acme.example>"');
  return {
    delivery: url ? 'smtp' : production ? 'off' : 'log',
    smtpUrl: url,
    from: from ?? `${productName} <no-reply@${publicUrl.hostname}>`,
    productName,
    ratePerHour: integer(env, 'GATEHOUSE_MAIL_RATE_PER_HOUR', defaults.mailRatePerHour, 1, 10_000),
  };
}

/** Reads and validates configuration from environment variables (see defaults.ts for each one). */
export function loadConfig(env: Env = process.env): Config {
  const port = integer(env, 'GATEHOUSE_PORT', defaults.port, 0, 65535);
  const publicUrl = new URL(
    origin('GATEHOUSE_PUBLIC_URL', env['GATEHOUSE_PUBLIC_URL'] || `http://localhost:${port}`),
  );
  const db = database(env);
  const signup = env['GATEHOUSE_SIGNUP'] || defaults.signup;
  if (signup !== 'open' && signup !== 'closed')
    throw new ConfigError('GATEHOUSE_SIGNUP', 'must be "open" or "closed"');
  const masterKey = env['GATEHOUSE_MASTER_KEY'] || undefined;
  if (masterKey !== undefined && Buffer.from(masterKey, 'base64url').length !== 32) {
    throw new ConfigError(
      'GATEHOUSE_MASTER_KEY',
      'must be 32 random bytes, base64url-encoded (openssl rand -base64 32)',
    );
  }
  if (db.kind === 'postgres' && !masterKey) {
    throw new ConfigError(
      'GATEHOUSE_MASTER_KEY',
      'is required with PostgreSQL, so that every instance shares it',
    );
  }
  const logLevel = env['GATEHOUSE_LOG_LEVEL'] || defaults.logLevel;
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new ConfigError('GATEHOUSE_LOG_LEVEL', `unknown level "${logLevel}"`);
  }
  const logFormat = env['GATEHOUSE_LOG_FORMAT'] || defaults.logFormat;
  if (logFormat !== 'auto' && logFormat !== 'pretty' && logFormat !== 'json')
    throw new ConfigError('GATEHOUSE_LOG_FORMAT', 'must be "auto", "pretty" or "json"');
  const adminEmail = (env['GATEHOUSE_ADMIN_EMAIL'] || defaults.adminEmail).trim();
  if (!/^[^\s@]+@[^\s@]+$/.test(adminEmail))
    throw new ConfigError('GATEHOUSE_ADMIN_EMAIL', 'is not an email address');
  const adminPassword = env['GATEHOUSE_ADMIN_PASSWORD'] || undefined;
  if (adminPassword !== undefined && adminPassword.length < 8) {
    throw new ConfigError('GATEHOUSE_ADMIN_PASSWORD', 'must be at least 8 characters');
  }
  const metricsToken = env['GATEHOUSE_METRICS_TOKEN'] || undefined;
  if (metricsToken !== undefined && !/^[\x21-\x7e]{32,}$/.test(metricsToken))
    throw new ConfigError(
      'GATEHOUSE_METRICS_TOKEN',
      'must be at least 32 printable characters without spaces (openssl rand -base64 32)',
    );
  const lockoutMaxSeconds = integer(env, 'GATEHOUSE_LOCKOUT_MAX_SECONDS', defaults.lockoutMaxSeconds, 1);
  const production = env['NODE_ENV'] === 'production';
  const allowedOrigins = (env['GATEHOUSE_ALLOWED_ORIGINS'] ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean)
    .map((o) => origin('GATEHOUSE_ALLOWED_ORIGINS', o));

  return {
    port,
    host: env['GATEHOUSE_HOST'] || defaults.host,
    publicUrl,
    secureCookies: publicUrl.protocol === 'https:',
    database: db,
    dataDir:
      db.kind === 'sqlite' && db.path !== ':memory:' ? dirname(db.path) : resolve(projectRoot(), 'data'),
    admin: { email: adminEmail, password: adminPassword },
    masterKey,
    signup,
    trustProxy: trustProxy(env['GATEHOUSE_TRUST_PROXY']),
    allowedOrigins: [...new Set([publicUrl.origin, ...allowedOrigins])],
    session: {
      idleTtl: integer(env, 'GATEHOUSE_SESSION_IDLE_TTL', defaults.sessionIdleTtl, 60),
      absoluteTtl: integer(env, 'GATEHOUSE_SESSION_ABSOLUTE_TTL', defaults.sessionAbsoluteTtl, 60),
      rememberTtl: integer(env, 'GATEHOUSE_SESSION_REMEMBER_TTL', defaults.sessionRememberTtl, 60),
    },
    tokens: {
      accessTtl: integer(env, 'GATEHOUSE_ACCESS_TOKEN_TTL', defaults.accessTokenTtl, 1, 24 * 3600),
      refreshTtl: integer(env, 'GATEHOUSE_REFRESH_TOKEN_TTL', defaults.refreshTokenTtl, 60),
      refreshIdleTtl: integer(env, 'GATEHOUSE_REFRESH_TOKEN_IDLE_TTL', defaults.refreshTokenIdleTtl, 60),
      refreshRetryWindow: integer(
        env,
        'GATEHOUSE_REFRESH_TOKEN_RETRY_WINDOW',
        defaults.refreshTokenRetryWindow,
        0,
        60,
      ),
      keyRotationGrace: keyRotationGrace(env),
    },
    workspaces: { inviteTtl: integer(env, 'GATEHOUSE_INVITE_TTL', defaults.inviteTtl, 60, 90 * 24 * 3600) },
    production,
    mail: mail(env, publicUrl, production),
    accounts: {
      passwordResetTtl: integer(
        env,
        'GATEHOUSE_PASSWORD_RESET_TTL',
        defaults.passwordResetTtl,
        60,
        24 * 3600,
      ),
      emailVerificationTtl: integer(
        env,
        'GATEHOUSE_EMAIL_VERIFICATION_TTL',
        defaults.emailVerificationTtl,
        60,
        30 * 24 * 3600,
      ),
      invitationTtl: integer(
        env,
        'GATEHOUSE_ACCOUNT_INVITATION_TTL',
        defaults.accountInvitationTtl,
        60,
        90 * 24 * 3600,
      ),
      reauthenticationWindow: integer(
        env,
        'GATEHOUSE_REAUTHENTICATION_WINDOW',
        defaults.reauthenticationWindow,
        0,
        24 * 3600,
      ),
    },
    bodyLimit: integer(env, 'GATEHOUSE_BODY_LIMIT', defaults.bodyLimit, 1024, 10 * 1024 * 1024),
    logLevel,
    logFormat,
    reliability: {
      databaseQueryTimeout: integer(
        env,
        'GATEHOUSE_DATABASE_QUERY_TIMEOUT',
        defaults.databaseQueryTimeout,
        1,
        3600,
      ),
      databaseWait: integer(env, 'GATEHOUSE_DATABASE_WAIT', defaults.databaseWait, 0, 3600),
      shutdownTimeout: integer(env, 'GATEHOUSE_SHUTDOWN_TIMEOUT', defaults.shutdownTimeout, 1, 3600),
      sweepInterval: integer(env, 'GATEHOUSE_SWEEP_INTERVAL', defaults.sweepInterval, 1, 24 * 3600),
    },
    metricsToken,
    throttle: {
      lockoutThreshold: integer(env, 'GATEHOUSE_LOCKOUT_THRESHOLD', defaults.lockoutThreshold, 1),
      lockoutBaseSeconds: integer(env, 'GATEHOUSE_LOCKOUT_BASE_SECONDS', defaults.lockoutBaseSeconds, 1),
      lockoutMaxSeconds,
      // Shorter than the longest lock, an attacker waiting out each lock would get a fresh budget every time.
      lockoutDecaySeconds: integer(
        env,
        'GATEHOUSE_LOCKOUT_DECAY_SECONDS',
        Math.max(defaults.lockoutDecaySeconds, lockoutMaxSeconds),
        lockoutMaxSeconds,
      ),
      signinRatePerMinute: integer(env, 'GATEHOUSE_SIGNIN_RATE_PER_MINUTE', defaults.signinRatePerMinute, 1),
    },
    argon2: argon2(env),
  };
}

function argon2(env: Env): Config['argon2'] {
  const memoryCost = integer(env, 'GATEHOUSE_ARGON2_MEMORY_KIB', defaults.argon2MemoryKib, 1024);
  return {
    memoryCost,
    timeCost: integer(env, 'GATEHOUSE_ARGON2_TIME_COST', defaults.argon2TimeCost, 1),
    parallelism: integer(env, 'GATEHOUSE_ARGON2_PARALLELISM', defaults.argon2Parallelism, 1, 16),
    // Cores and memory both bound it: each hash in flight holds a core and `memoryCost` KiB.
    concurrency: integer(env, 'GATEHOUSE_HASH_CONCURRENCY', defaultHashConcurrency(memoryCost), 1, 256),
  };
}
