import { randomBytes } from 'node:crypto';
import pg from 'pg';
import {
  type FreshDatabase,
  freshDatabase,
  POSTGRES_URL,
  type TestDatabase,
} from '../../support/databases.js';
import { baseEnv, eventually, Instance, tagged } from './instance.js';
import { type Call, Load, send } from './load.js';
import { FaultProxy } from './proxy.js';

/** A PostgreSQL schema reached through a fault proxy, and the instances started on it. */
export class Scenario {
  readonly proxy = new FaultProxy();
  readonly applicationName = `gh_fault_${randomBytes(4).toString('hex')}`;
  readonly instances: Instance[] = [];
  /** Sign-ups the server acknowledged (200): each must still sign in after any fault. */
  readonly acknowledged: Array<{ email: string; password: string }> = [];
  #fresh: FreshDatabase | undefined;
  env: Record<string, string> = {};

  /** A fresh database: PostgreSQL through the proxy (tagged with this test's application_name), or a SQLite file. */
  async setUp(extraEnv: Record<string, string> = {}, database: TestDatabase = 'postgres'): Promise<void> {
    if (database === 'sqlite') {
      this.#fresh = await freshDatabase('sqlite');
    } else {
      await this.proxy.start();
      const direct = new URL(POSTGRES_URL);
      direct.port = String(this.proxy.port);
      direct.hostname = '127.0.0.1';
      this.#fresh = await freshDatabase('postgres', tagged(direct.toString(), this.applicationName));
    }
    this.env = { ...baseEnv(this.#fresh.url), ...extraEnv };
  }

  /** A database of the test's own (a private cluster), reached directly rather than through the proxy. */
  setUpOn(url: string, extraEnv: Record<string, string> = {}): void {
    this.env = { ...baseEnv(url), ...extraEnv };
  }

  async start(extraEnv: Record<string, string> = {}, port?: number): Promise<Instance> {
    const instance = await Instance.start({ ...this.env, ...extraEnv }, port);
    this.instances.push(instance);
    return instance;
  }

  /** Spawns without waiting for it to listen (start-up races, a database that is not up yet). */
  async spawn(
    extraEnv: Record<string, string> = {},
    options: { stallStdout?: boolean } = {},
  ): Promise<Instance> {
    const instance = await Instance.spawn({ ...this.env, ...extraEnv }, options);
    this.instances.push(instance);
    return instance;
  }

  /** Ends this test's own backends (or only their LISTEN connections), as an administrator or a failover would. */
  async terminateBackends(onlyListeners = false): Promise<number> {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      const result = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1${
          onlyListeners ? ` AND query LIKE 'LISTEN%'` : ''
        }`,
        [this.applicationName],
      );
      return result.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  }

  /**
   * Load that needs the database on every request: sign-ups (remembered once acknowledged), sign-ins of
   * an existing account, and readiness checks.
   */
  load(urls: string[], login: { email: string; password: string }, concurrency = 6): Load {
    return new Load(
      urls,
      async (call: Call, index: number) => {
        const kind = index % 3;
        if (kind === 0) {
          const account = {
            email: `load-${randomBytes(6).toString('hex')}@example.test`,
            password: 'load-password-1',
          };
          const answer = await call('/api/signup', { body: account });
          if (answer?.status === 200) this.acknowledged.push(account);
        } else if (kind === 1) {
          await call('/api/signin', { body: { username: login.email, password: login.password } });
        } else {
          await call('/health/ready');
        }
      },
      concurrency,
    );
  }

  /** Every acknowledged sign-up still signs in (no acknowledged write was lost). */
  async lostWrites(url: string): Promise<string[]> {
    const lost: string[] = [];
    for (let i = 0; i < this.acknowledged.length; i += 10) {
      await Promise.all(
        this.acknowledged.slice(i, i + 10).map(async (account) => {
          const answer = await send(`${url}/api/signin`, {
            body: { username: account.email, password: account.password },
          });
          if (answer.status !== 200) lost.push(`${account.email}: ${answer.status}`);
        }),
      );
    }
    return lost;
  }

  async tearDown(): Promise<void> {
    await Promise.all(this.instances.map((instance) => instance.kill()));
    await this.proxy.stop();
    await this.#fresh?.drop();
  }
}

/** Signs up one account through HTTP, for the load to sign in with. */
export async function signUp(url: string): Promise<{ email: string; password: string }> {
  const account = {
    email: `steady-${randomBytes(6).toString('hex')}@example.test`,
    password: 'steady-password-1',
  };
  const answer = await send(`${url}/api/signup`, { body: account });
  if (answer.status !== 200) throw new Error(`sign-up failed: ${answer.status} ${answer.body}`);
  return account;
}

/** Ready (200) and serving sign-ins again; returns how long it took. */
export function recovered(url: string, login: { email: string; password: string }, timeoutMs: number) {
  return eventually(
    `${url} ready and serving sign-ins`,
    async () => {
      const ready = await send(`${url}/health/ready`);
      if (ready.status !== 200) return false;
      const signin = await send(`${url}/api/signin`, {
        body: { username: login.email, password: login.password },
      });
      return signin.status === 200;
    },
    timeoutMs,
  );
}

/** docs/deployment.md: while both listeners are connected, a revocation on A is refused on B within this. */
export const REVOCATION_BOUND_MS = 1_000;

/** Signs in on A, uses the session on B (cached there), logs out on A: how long until B refuses it. */
export async function revocationDelay(
  a: string,
  b: string,
  login: { email: string; password: string },
): Promise<number> {
  const signin = await send(`${a}/api/signin`, { body: { username: login.email, password: login.password } });
  if (signin.status !== 200) throw new Error(`sign-in on ${a} answered ${signin.status}`);
  const cookie = /"?(gatehouse_session=[^;"]+)/.exec(signin.setCookie ?? '')?.[1] ?? '';
  if (!cookie) throw new Error('the sign-in set no session cookie');
  for (let warm = 0; warm < 2; warm += 1) {
    const me = await send(`${b}/api/me`, { headers: { cookie } });
    if (me.status !== 200) throw new Error(`${b} refused a live session: ${me.status}`);
  }
  const logout = await send(`${a}/api/logout`, { method: 'POST', headers: { cookie } });
  if (logout.status !== 200) throw new Error(`logout on ${a} answered ${logout.status}`);
  return eventually(
    `${b} refuses the session ${a} logged out`,
    async () => (await send(`${b}/api/me`, { headers: { cookie } })).status === 401,
    REVOCATION_BOUND_MS,
  );
}

/** `count` sign-ups at once all succeed: every pool slot holds a working connection. */
export async function allSlotsWork(url: string, count = 20) {
  const answers = await Promise.all(
    Array.from({ length: count }, () =>
      send(`${url}/api/signup`, {
        body: { email: `slot-${randomBytes(6).toString('hex')}@example.test`, password: 'slot-password-1' },
      }),
    ),
  );
  return answers.map((answer) => answer.status);
}
