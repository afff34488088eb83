import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInWithCookie } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';
import { testClock } from './support/token-session.js';

const FAILED = 'sweep of expired rows failed; tables grow until it works again';
const BACK = 'sweep of expired rows works again';

/**
 * Issue 9, item 11: a failing sweep is not swallowed. It is logged once when the failures start (not
 * once per run: it runs every GATEHOUSE_SWEEP_INTERVAL on every instance) and once when it works again.
 */
describe.each(testDatabases)('the sweep when the database refuses it, on %s', (database) => {
  const clock = testClock();
  const lines: Array<{ level: number; msg: string; reason?: string }> = [];
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      database,
      now: clock.now,
      env: { GATEHOUSE_SWEEP_INTERVAL: '1' },
      logStream: { write: (line) => void lines.push(JSON.parse(line)) },
    });
  });
  afterAll(() => server.close());

  const db = () => server.app.gatehouse.ctx.storage.db;
  const messages = () => lines.map((line) => line.msg);
  async function until(done: () => boolean, what: string): Promise<void> {
    const deadline = Date.now() + 15_000;
    while (!done()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it('logs a failing sweep once per failing stretch, and says when it works again', async () => {
    // A session past its absolute end: the sweep's first DELETE has a row to delete, which the trigger refuses.
    const user = await server.createUser();
    await signInWithCookie(server.url, user.email, user.password);
    clock.advance(400 * 24 * 3600);
    if (database === 'postgres') {
      await sql`CREATE FUNCTION refuse_sweep() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'disk full'; END $$`.execute(db());
      await sql`CREATE TRIGGER refuse_sweep BEFORE DELETE ON sessions FOR EACH ROW EXECUTE FUNCTION refuse_sweep()`.execute(
        db(),
      );
    } else {
      await sql`CREATE TRIGGER refuse_sweep BEFORE DELETE ON sessions BEGIN SELECT RAISE(ABORT, 'disk full'); END`.execute(
        db(),
      );
    }
    const runs: string[] = [];
    const sweeper = server.app.gatehouse.sweeper;
    const run = sweeper.run.bind(sweeper);
    sweeper.run = () =>
      run().then(
        (result) => {
          runs.push('swept');
          return result;
        },
        (error: unknown) => {
          runs.push('failed');
          throw error;
        },
      );
    sweeper.start();

    await until(() => runs.filter((r) => r === 'failed').length >= 3, 'three failed sweeps');
    expect(messages().filter((m) => m === FAILED)).toHaveLength(1);
    expect(lines.find((line) => line.msg === FAILED)?.reason).toContain('disk full');
    expect(messages()).not.toContain(BACK);

    if (database === 'postgres') await sql`DROP TRIGGER refuse_sweep ON sessions`.execute(db());
    else await sql`DROP TRIGGER refuse_sweep`.execute(db());
    await until(() => messages().includes(BACK), 'the sweep to work again');
    expect(runs.at(-1)).toBe('swept');
    expect(messages().filter((m) => m === FAILED)).toHaveLength(1);
  });
});
