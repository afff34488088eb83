import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { sleep } from './support/instance.js';
import { allSlotsWork, recovered, revocationDelay, Scenario, signUp } from './support/scenario.js';

/**
 * Issue 17, "two and three instances behind a round-robin client": three `gatehouse start` processes on one
 * PostgreSQL behind the fault proxy, the load spread over them in turn, and one fault after another (every
 * backend terminated, every connection reset, a partition). After them: no process died, nothing answered
 * 500 or carried a stack, every acknowledged write is there, and the three agree again: a revocation on any
 * one is refused on the next within the documented bound.
 */
describe.runIf(testDatabases.includes('postgres'))('three instances under faults', () => {
  let scenario: Scenario;
  beforeEach(async () => {
    scenario = new Scenario();
    await scenario.setUp({ GATEHOUSE_DATABASE_QUERY_TIMEOUT: '1' });
  });
  afterEach(() => scenario.tearDown());

  it('three instances, round-robin load: backends terminated, connections reset, a partition: all live, no write lost, revocation within the bound on each pair again', async () => {
    const instances = [await scenario.start(), await scenario.start(), await scenario.start()];
    const urls = instances.map((instance) => instance.url);
    const login = await signUp(urls[0]!);
    const load = scenario.load(urls, login, 9);
    await sleep(500);
    expect(await scenario.terminateBackends()).toBeGreaterThan(0);
    await sleep(700);
    scenario.proxy.cut();
    await sleep(700);
    scenario.proxy.blackhole();
    await sleep(1_500);
    await scenario.proxy.heal();
    await sleep(700);
    const report = await load.stop();

    for (const instance of instances) expect(instance.alive).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.unanswered).toBe(0);
    expect(report.statuses[200]).toBeGreaterThan(0);
    for (const url of urls) {
      await recovered(url, login, 15_000);
      expect(await allSlotsWork(url)).toEqual(Array(20).fill(200));
    }
    // Written through all three, read back through each.
    for (const url of urls) expect(await scenario.lostWrites(url)).toEqual([]);
    for (let i = 0; i < urls.length; i += 1)
      await revocationDelay(urls[i]!, urls[(i + 1) % urls.length]!, login);
  });
});
