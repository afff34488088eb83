import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDatabases } from './support/databases.js';
import { signInWithCookie } from './support/http.js';
import { twoInstances } from './support/instances.js';
import { CHEAP_HASHES, MANY_SIGN_INS, type TestServer } from './support/server.js';

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * docs/deployment.md, "The sweep": every instance runs it, and on PostgreSQL an advisory lock lets one
 * instance at a time do the work while the others skip that run. Proved with two instances on one database
 * sweeping at the same moment, one of them held in the middle of its run.
 */
describe.runIf(testDatabases.includes('postgres'))('the sweep on two instances at once', () => {
  let a: TestServer;
  let b: TestServer;
  twoInstances({ env: { ...CHEAP_HASHES, ...MANY_SIGN_INS } }, (started) => ({ a, b } = started));

  it('runs on one instance at a time: while A sweeps, B skips at once instead of waiting or sweeping too', async () => {
    const db = a.app.gatehouse.ctx.storage.db;
    const user = await a.createUser();
    for (let i = 0; i < 3; i += 1) await signInWithCookie(a.url, user.email, user.password);
    const sessions = await db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute();
    await db.updateTable('sessions').set({ expires_at: 1 }).where('user_id', '=', user.id).execute();

    // A row lock held by the test makes A's sweep wait in the middle of its run, holding the sweep lock.
    let release = () => {};
    let holding = () => {};
    const held = new Promise<void>((resolve) => {
      holding = resolve;
    });
    const holder = db.transaction().execute(async (trx) => {
      await trx.selectFrom('sessions').select('id').where('id', '=', sessions[0]!.id).forUpdate().execute();
      holding();
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    });
    await held;
    const sweepA = a.app.gatehouse.sweeper.run();
    await until('A waits on the held row, inside its run', async () => {
      const waiting = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE wait_event_type = 'Lock' AND query LIKE 'DELETE FROM "sessions"%'`.execute(db);
      return (waiting.rows[0]?.n ?? 0) > 0;
    });

    try {
      const started = Date.now();
      const both = await Promise.all([b.app.gatehouse.sweeper.run(), b.app.gatehouse.sweeper.run()]);
      for (const run of both) {
        expect(run.skipped).toBe(true);
        expect(run.sessions).toBeUndefined();
      }
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      release();
      await holder;
    }
    const resultA = await sweepA;
    expect(resultA.skipped).toBeUndefined();
    expect(resultA.sessions).toBe(3);
    // A is done: the lock is free, and B's next run sweeps (nothing left).
    const after = await b.app.gatehouse.sweeper.run();
    expect(after.skipped).toBeUndefined();
    expect(after.sessions).toBe(0);
  });

  it('two instances sweeping at the same moment, ten times: each run sweeps or skips, none fails, every dead row goes once', async () => {
    const db = a.app.gatehouse.ctx.storage.db;
    const user = await a.createUser();
    for (let i = 0; i < 5; i += 1) await signInWithCookie(a.url, user.email, user.password);
    await db.updateTable('sessions').set({ expires_at: 1 }).where('user_id', '=', user.id).execute();
    let deleted = 0;
    for (let round = 0; round < 10; round += 1) {
      const runs = await Promise.all([a.app.gatehouse.sweeper.run(), b.app.gatehouse.sweeper.run()]);
      expect(runs.filter((run) => !run.skipped).length).toBeGreaterThanOrEqual(1);
      deleted += runs.reduce((sum, run) => sum + (run.sessions ?? 0), 0);
    }
    expect(deleted).toBe(5);
  });
});
