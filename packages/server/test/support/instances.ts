import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect } from 'vitest';
import { type FreshDatabase, freshDatabase } from './databases.js';
import { freePort, startTestServer, type TestServer } from './server.js';

export interface TwoInstances {
  a: TestServer;
  b: TestServer;
  /** The shared schema's URL (as A connects to it), for a test's own connection. */
  databaseUrl: string;
  /**
   * Ends B's LISTEN connection from the database side (its backend terminated; needs `bApplicationName`) and
   * waits, up to 5 s, until B notices: from then until it reconnects, revocations reach B only from the database.
   */
  endListenerOfB(): Promise<void>;
}

export interface TwoInstancesOptions {
  /**
   * GATEHOUSE_* variables both instances get, on top of the master key they share; a function is called
   * when they start (for values an earlier beforeAll makes, such as a mailbox's URL).
   */
  env?: Record<string, string> | (() => Record<string, string>);
  /** Replaces both instances' clock. */
  now?: () => number;
  /**
   * One OAuth issuer for both: A listens on a port chosen up front, and http://127.0.0.1:PORT (A's address)
   * is both instances' public URL.
   */
  publicUrlIsA?: boolean;
  /** B's connections carry this application_name, so a test can end B's backends and nothing else. */
  bApplicationName?: string;
}

/**
 * Two Gatehouse instances on one fresh PostgreSQL schema with one master key, as behind a load balancer.
 * Registers the calling describe's beforeAll (start both, then hand them to `started`) and afterAll (close
 * both, then drop the schema). The drop runs even when a close fails, and the close does not wait out a
 * kept-alive connection (server.ts), so a failed test cannot leave the hook hanging.
 */
export function twoInstances(options: TwoInstancesOptions, started: (instances: TwoInstances) => void): void {
  let fresh: FreshDatabase | undefined;
  let a: TestServer | undefined;
  let b: TestServer | undefined;
  beforeAll(async () => {
    fresh = await freshDatabase('postgres');
    const port = options.publicUrlIsA ? await freePort() : undefined;
    const env = {
      GATEHOUSE_MASTER_KEY: randomBytes(32).toString('base64url'),
      ...(port !== undefined && { GATEHOUSE_PUBLIC_URL: `http://127.0.0.1:${port}` }),
      ...(typeof options.env === 'function' ? options.env() : options.env),
    };
    const bUrl = new URL(fresh.url);
    if (options.bApplicationName) bUrl.searchParams.set('application_name', options.bApplicationName);
    const common = { database: 'postgres' as const, env, ...(options.now && { now: options.now }) };
    a = await startTestServer({ ...common, databaseUrl: fresh.url, ...(port !== undefined && { port }) });
    b = await startTestServer({ ...common, databaseUrl: bUrl.toString() });
    const databaseUrl = fresh.url;
    const bus = b.app.gatehouse.ctx.bus;
    const endListenerOfB = async () => {
      if (!options.bApplicationName) throw new Error('endListenerOfB needs bApplicationName');
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      try {
        const ended = await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND query LIKE 'LISTEN%'`,
          [options.bApplicationName],
        );
        expect(ended.rowCount).toBe(1);
      } finally {
        await admin.end();
      }
      const deadline = Date.now() + 5_000;
      while (bus.listening && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    started({ a, b, databaseUrl, endListenerOfB });
  });
  afterAll(async () => {
    const closed = await Promise.allSettled([a?.close(), b?.close()]);
    await fresh?.drop();
    for (const result of closed) if (result.status === 'rejected') throw result.reason;
  });
}

/**
 * docs/deployment.md: a change on one instance reaches the others as soon as PostgreSQL delivers its
 * notification, within this documented bound; the changing request waits for its own echo (up to 250 ms),
 * which does not promise that another instance has already received it.
 */
export const DELIVERY_BOUND_MS = 1_000;

/**
 * Repeats `attempt` every 10 ms until `done` holds for its answer, or the delivery bound has passed; returns
 * the last answer, for the test to check. A check that depends on delivery to another instance polls within
 * the documented bound instead of assuming the delivery is immediate.
 */
export async function withinDeliveryBound<T>(
  attempt: () => Promise<T>,
  done: (answer: T) => boolean,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const answer = await attempt();
    if (done(answer) || Date.now() - started > DELIVERY_BOUND_MS) return answer;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
