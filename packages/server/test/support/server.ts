import { randomBytes } from 'node:crypto';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config/load.js';
import { type FreshDatabase, freshDatabase, type TestDatabase } from './databases.js';
import { freePort } from './ports.js';

export { type TestDatabase, testDatabases } from './databases.js';
export { freePort } from './ports.js';

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

export interface TestServer {
  app: FastifyInstance;
  /** http://127.0.0.1:PORT */
  url: string;
  config: Config;
  database: TestDatabase;
  /** Creates an account directly (no HTTP), optionally a global admin or with its address confirmed. */
  createUser(input?: {
    email?: string;
    password?: string;
    admin?: boolean;
    emailVerified?: boolean;
  }): Promise<TestUser>;
  /** Stops and starts the server on the same database (state must survive). */
  restart(): Promise<TestServer>;
  close(): Promise<void>;
}

export interface StartOptions {
  database?: TestDatabase;
  /** Extra GATEHOUSE_* variables; sign-up is open unless this says otherwise. */
  env?: Record<string, string>;
  /** Use this database URL instead of a fresh one (e.g. through a proxy). */
  databaseUrl?: string;
  /** Replaces the clock. */
  now?: () => number;
  /** Capture log lines (the server logs nothing otherwise). */
  logStream?: { write(line: string): void };
  /** Sees every route as it is registered. */
  onRoute?: (route: RouteOptions) => void;
  /** Listen on this port instead of a random one (a browser test whose public URL must be the server's own). */
  port?: number;
  /** Listen on a port chosen up front and make http://127.0.0.1:PORT the public URL (the OAuth issuer). */
  publicUrlIsAddress?: boolean;
}

/** For suites that sign in many users from 127.0.0.1: the per-IP sign-in limit is tested on its own. */
export const MANY_SIGN_INS = { GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '10000' };

/**
 * For suites that sign many users up and in where the hash's cost is not under test: argon2id at its
 * lowest settings, so a hash takes about a millisecond instead of tens (passwords.test.ts tests the real cost).
 */
export const CHEAP_HASHES = { GATEHOUSE_ARGON2_MEMORY_KIB: '1024', GATEHOUSE_ARGON2_TIME_COST: '1' };

let counter = 0;

/** A unique, valid email for a test account. */
export function uniqueEmail(prefix = 'user'): string {
  counter += 1;
  return `${prefix}-${counter}-${randomBytes(3).toString('hex')}@example.test`;
}

/** How often a closing server drops the kept-alive connections that went idle since the close began. */
const IDLE_SWEEP_MS = 25;

/**
 * app.close() that does not wait out a keep-alive. Fastify closes the idle connections once, when the close
 * begins; a request in flight at that moment is still answered with `Connection: keep-alive` (timeout 72 s),
 * and the HTTP server's close then waits for that connection until the keep-alive ends: a test whose
 * concurrent requests were still running when it failed left its afterAll hanging past its 60 s bound.
 * In-flight requests still finish; only connections with nothing in flight are dropped, as Fastify does.
 */
async function closeApp(app: FastifyInstance): Promise<void> {
  const sweep = setInterval(() => app.server.closeIdleConnections(), IDLE_SWEEP_MS);
  try {
    await app.close();
  } finally {
    clearInterval(sweep);
  }
}

async function launch(
  config: Config,
  database: TestDatabase,
  fresh: FreshDatabase | undefined,
  options: StartOptions,
): Promise<TestServer> {
  const app = await buildApp(config, {
    logger: options.logStream !== undefined,
    ...(options.logStream && { logStream: options.logStream }),
    ...(options.now && { now: options.now }),
    ...(options.onRoute && { onRoute: options.onRoute }),
  });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const server: TestServer = {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    database,
    async createUser(input = {}) {
      const email = input.email ?? uniqueEmail();
      const password = input.password ?? `pw-${randomBytes(8).toString('hex')}`;
      const user = await app.gatehouse.accounts.createUser({
        email,
        password,
        roles: input.admin ? ['admin', 'user'] : ['user'],
        emailVerified: input.emailVerified === true,
      });
      return { id: user.id, email: user.email, password };
    },
    async restart() {
      await closeApp(app);
      return launch(config, database, fresh, options);
    },
    async close() {
      try {
        await closeApp(app);
      } finally {
        await fresh?.drop();
      }
    },
  };
  return server;
}

/** The master key each test database was first started with, reused when a test starts it again. */
const masterKeys = new Map<string, string>();

/**
 * Starts a real Gatehouse on 127.0.0.1 with a random port and a fresh database of the given kind.
 * The public URL stays the default (http://localhost:3000): send `Origin: server.config.publicUrl.origin` to act same-origin.
 */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  if (options.publicUrlIsAddress) {
    const port = options.port ?? (await freePort());
    const env = { GATEHOUSE_PUBLIC_URL: `http://127.0.0.1:${port}`, ...options.env };
    return startTestServer({ ...options, publicUrlIsAddress: false, port, env });
  }
  const database = options.database ?? 'sqlite';
  const fresh = options.databaseUrl ? undefined : await freshDatabase(database);
  const url = options.databaseUrl ?? fresh!.url;
  // A database keeps its master key, as in production: its signing keys are sealed with it.
  const masterKey = masterKeys.get(url) ?? randomBytes(32).toString('base64url');
  masterKeys.set(url, options.env?.['GATEHOUSE_MASTER_KEY'] ?? masterKey);
  const config = loadConfig({
    GATEHOUSE_DATABASE_URL: url,
    GATEHOUSE_MASTER_KEY: masterKey,
    GATEHOUSE_SIGNUP: 'open',
    GATEHOUSE_LOG_LEVEL: options.logStream ? 'info' : 'silent',
    ...options.env,
  });
  return launch(config, database, fresh, options);
}
