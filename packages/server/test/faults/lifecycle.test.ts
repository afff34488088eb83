import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { eventually, sleep } from './support/instance.js';
import { send } from './support/load.js';
import { Scenario, signUp } from './support/scenario.js';

/** Issue 17, items 5, 6 and 7: shutdown that is prompt and drops nothing, start-up that waits, kill -9. */
describe.each(testDatabases)('process lifecycle on %s', (database) => {
  let scenario: Scenario;
  afterEach(() => scenario.tearDown());

  it('SIGTERM under load: every accepted request is answered, and the process exits 0 well within the bound', async () => {
    scenario = new Scenario();
    await scenario.setUp({ GATEHOUSE_SHUTDOWN_TIMEOUT: '10' }, database);
    const instance = await scenario.start();
    const login = await signUp(instance.url);
    const load = scenario.load([instance.url], login);
    await sleep(700);
    const signalled = Date.now();
    instance.signal('SIGTERM');
    const exit = await instance.exited;
    const tookMs = Date.now() - signalled;
    const report = await load.stop();

    expect(exit.code).toBe(0);
    expect(tookMs).toBeLessThan(5_000);
    expect(report.problems).toEqual([]);
    // Every request sent before the signal is answered. Later ones may be refused or reset once it stops
    // listening: a load balancer has stopped sending by then (it saw not-ready).
    expect(report.droppedSentAt.filter((sentAt) => sentAt < signalled)).toEqual([]);
    expect(instance.lines.join('\n').slice(-3000)).toMatch(/"msg":"shut down"/);

    // Every sign-up it acknowledged before exiting is there after a restart.
    const again = await scenario.start();
    expect(await scenario.lostWrites(again.url)).toEqual([]);
  });

  it('kill -9 under load: every acknowledged write survives the restart', async () => {
    scenario = new Scenario();
    await scenario.setUp({}, database);
    const instance = await scenario.start();
    const login = await signUp(instance.url);
    const load = scenario.load([instance.url], login);
    await sleep(800);
    instance.signal('SIGKILL');
    await instance.exited;
    const report = await load.stop();
    expect(report.problems).toEqual([]);
    expect(scenario.acknowledged.length).toBeGreaterThan(0);

    const again = await scenario.start({}, instance.port);
    expect(await scenario.lostWrites(again.url)).toEqual([]);
    expect((await send(`${again.url}/health/ready`)).status).toBe(200);
  });

  it('a stalled log reader does not stall serving or shutdown', async () => {
    scenario = new Scenario();
    await scenario.setUp({ GATEHOUSE_SHUTDOWN_TIMEOUT: '5' }, database);
    // Nobody reads its standard output: the pipe fills after a few hundred request lines.
    const instance = await scenario.spawn({}, { stallStdout: true });
    await eventually(
      'listening',
      async () => (await send(`${instance.url}/health/live`)).status === 200,
      60_000,
    );
    for (let batch = 0; batch < 20; batch += 1) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () => send(`${instance.url}/health/live`)),
      );
      expect(answers.every((answer) => answer.status === 200)).toBe(true);
    }
    const signalled = Date.now();
    instance.signal('SIGTERM');
    await instance.exited;
    expect(Date.now() - signalled).toBeLessThan(7_000);
  });
});

describe.runIf(testDatabases.includes('postgres'))('process lifecycle when PostgreSQL misbehaves', () => {
  let scenario: Scenario;
  afterEach(() => scenario.tearDown());

  it('SIGTERM while the database is partitioned: exits within GATEHOUSE_SHUTDOWN_TIMEOUT; a second SIGTERM at once', async () => {
    scenario = new Scenario();
    // The query timeout is longer than the shutdown bound: only the bound can end the wait.
    await scenario.setUp({ GATEHOUSE_SHUTDOWN_TIMEOUT: '3', GATEHOUSE_DATABASE_QUERY_TIMEOUT: '30' });
    const first = await scenario.start();
    const second = await scenario.start({ GATEHOUSE_SHUTDOWN_TIMEOUT: '60' });
    const login = await signUp(first.url);
    const load = scenario.load([first.url, second.url], login);
    await sleep(300);
    scenario.proxy.blackhole();
    // The load alone may have nothing in flight on `first` when the signal comes (its workers can all be
    // waiting on `second`): a sign-in sent to `first` after the partition is certain to wait on the database.
    const stuck = send(`${first.url}/api/signin`, {
      body: { username: login.email, password: login.password },
    }).catch(() => undefined);
    await sleep(300);

    let signalled = Date.now();
    first.signal('SIGTERM');
    const exit = await first.exited;
    expect(Date.now() - signalled).toBeLessThan(3_000 + 2_000);
    expect(exit.code).toBe(1);
    expect(first.lines.join('\n')).toMatch(/shutdown bound reached/);
    await stuck;

    signalled = Date.now();
    second.signal('SIGTERM');
    await sleep(300);
    second.signal('SIGTERM');
    await second.exited;
    expect(Date.now() - signalled).toBeLessThan(2_500);
    await scenario.proxy.heal();
    const report = await load.stop();
    expect(report.problems).toEqual([]);
  });

  it('start-up before the database is up: waits with back-off, saying for what, then serves', async () => {
    scenario = new Scenario();
    await scenario.setUp();
    await scenario.proxy.refuse();
    const instance = await scenario.spawn();
    await eventually(
      'a line saying what it waits for',
      async () => instance.lines.some((line) => line.includes('waiting for the database')),
      20_000,
    );
    expect(instance.alive).toBe(true);
    await scenario.proxy.heal();
    await instance.listening(20_000);
    expect((await send(`${instance.url}/health/ready`)).status).toBe(200);
    expect(instance.lines.join('\n')).not.toMatch(/bootstrap-password|postgres:\/\//);
  });

  it('start-up gives up after GATEHOUSE_DATABASE_WAIT, naming the variables to check', async () => {
    scenario = new Scenario();
    await scenario.setUp({ GATEHOUSE_DATABASE_WAIT: '2' });
    await scenario.proxy.refuse();
    const started = Date.now();
    const instance = await scenario.spawn();
    const exit = await instance.exited;
    expect(exit.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(20_000);
    const output = instance.lines.join('\n');
    expect(output).toMatch(/GATEHOUSE_DATABASE_WAIT/);
    expect(output).toMatch(/GATEHOUSE_DATABASE_URL/);
  });

  it('three instances starting together on a fresh database all start, with one first admin', async () => {
    scenario = new Scenario();
    await scenario.setUp();
    const instances = await Promise.all([scenario.spawn(), scenario.spawn(), scenario.spawn()]);
    await Promise.all(instances.map((instance) => instance.listening(60_000)));
    const created = instances.flatMap((instance) =>
      instance.lines.filter((line) => line.includes('Created the first admin')),
    );
    expect(created).toHaveLength(1);
    for (const instance of instances) {
      const signin = await send(`${instance.url}/api/signin`, {
        body: { username: 'root@example.test', password: 'bootstrap-password' },
      });
      expect(signin.status).toBe(200);
    }
  });
});
