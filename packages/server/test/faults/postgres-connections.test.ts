import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { sleep } from './support/instance.js';
import { allSlotsWork, recovered, Scenario, signUp } from './support/scenario.js';

/**
 * Issue 17, items 1, 2 and 9: real `gatehouse start` processes on PostgreSQL behind a proxy the test
 * controls. Whatever happens to the connections, the process lives, requests that lost theirs answer 503
 * (never 500, never a stack), the outage is logged once, and the instance heals without a restart.
 */
describe.runIf(testDatabases.includes('postgres'))('PostgreSQL connection faults', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = new Scenario();
    // A short query timeout, so that a partition is detected within the test's bounds.
    await scenario.setUp({ GATEHOUSE_DATABASE_QUERY_TIMEOUT: '1' });
  });
  afterEach(() => scenario.tearDown());

  it('pg_terminate_backend under load: no crash, 503 at worst, every acknowledged write kept', async () => {
    const instance = await scenario.start();
    const login = await signUp(instance.url);
    const load = scenario.load([instance.url], login);
    await sleep(500);
    let terminated = 0;
    for (let round = 0; round < 3; round += 1) {
      terminated += await scenario.terminateBackends();
      await sleep(400);
    }
    const report = await load.stop();

    expect(terminated).toBeGreaterThan(0);
    expect(instance.alive).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.unanswered).toBe(0);
    expect(report.statuses[200]).toBeGreaterThan(0);
    await recovered(instance.url, login, 5_000);
    expect(await allSlotsWork(instance.url)).toEqual(Array(20).fill(200));
    expect(await scenario.lostWrites(instance.url)).toEqual([]);
    expect(instance.lines.join('\n')).not.toMatch(/Unhandled 'error' event|unhandled error/);
  });

  it('connections reset by the network under load: no crash, the outage logged once per cut, not per request', async () => {
    const instance = await scenario.start();
    const login = await signUp(instance.url);
    const load = scenario.load([instance.url], login);
    await sleep(300);
    for (let cut = 0; cut < 5; cut += 1) {
      scenario.proxy.cut();
      await sleep(300);
    }
    const report = await load.stop();

    expect(instance.alive).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.unanswered).toBe(0);
    await recovered(instance.url, login, 5_000);
    expect(await scenario.lostWrites(instance.url)).toEqual([]);
    const logs = instance.logs();
    const started = logs.filter((line) => String(line['msg']).startsWith('database unavailable'));
    expect(started.length).toBeLessThanOrEqual(5);
    expect(logs.filter((line) => line['level'] === 50 && line['err'])).toEqual([]);
  });

  it('repeated network partitions under load: dead connections are replaced and the instance heals by itself', async () => {
    const instance = await scenario.start();
    const login = await signUp(instance.url);
    const load = scenario.load([instance.url], login);
    for (let partition = 0; partition < 3; partition += 1) {
      await sleep(400);
      scenario.proxy.blackhole();
      await sleep(1_500);
      await scenario.proxy.heal();
    }
    const report = await load.stop();

    expect(instance.alive).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.statuses[503]).toBeGreaterThan(0);
    // Bound: one query timeout (1 s) for the requests caught in the partition, then fresh connections.
    await recovered(instance.url, login, 5_000);
    expect(await allSlotsWork(instance.url)).toEqual(Array(20).fill(200));
    expect(await scenario.lostWrites(instance.url)).toEqual([]);
  });
});
