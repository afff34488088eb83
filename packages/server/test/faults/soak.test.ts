import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../support/databases.js';
import { sleep } from './support/instance.js';
import { Scenario, signUp } from './support/scenario.js';

/**
 * How long the soak runs, in seconds: short in CI, `GATEHOUSE_SOAK_SECONDS=600` for the ten-minute soak
 * of issue 17 (docs/deployment.md, "The fault suite").
 */
const SOAK_SECONDS = Number(process.env['GATEHOUSE_SOAK_SECONDS'] || 20);
/** Growth allowed after warm-up. The issue measured 125–150 MB over ten minutes: flat once warm. */
const GROWTH_MB = 64;
/** Never above this, whatever the warm-up did (the unbounded case reached 294 MB). */
const CEILING_MB = 400;

/** Resident memory of a process in MB (Linux), or undefined where /proc does not exist. */
function residentMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Issue 17, the soak: one instance under steady load (sign-ups, sign-ins of one account past its session
 * cap, readiness checks) for SOAK_SECONDS. Every request is answered 200, and resident memory stays bounded:
 * after the first quarter (warm-up) it grows by less than GROWTH_MB, and never passes CEILING_MB.
 */
describe.each(testDatabases)('soak on %s', (database) => {
  let scenario: Scenario;
  afterEach(() => scenario.tearDown());

  it(`${SOAK_SECONDS} s of steady load: every request answered 200, resident memory bounded`, {
    timeout: (SOAK_SECONDS + 90) * 1000,
  }, async () => {
    scenario = new Scenario();
    await scenario.setUp({ GATEHOUSE_LOG_LEVEL: 'warn' }, database);
    const instance = await scenario.start();
    const login = await signUp(instance.url);
    const load = scenario.load([instance.url], login);
    const samples: number[] = [];
    const until = Date.now() + SOAK_SECONDS * 1000;
    while (Date.now() < until) {
      await sleep(1_000);
      const rss = residentMb(instance.pid);
      if (rss !== undefined) samples.push(rss);
    }
    const report = await load.stop();

    expect(instance.alive).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.unanswered).toBe(0);
    expect(Object.keys(report.statuses)).toEqual(['200']);
    expect(report.total).toBeGreaterThan(SOAK_SECONDS * 10);
    // A long soak acknowledges thousands: the first 100 and the last 200 are read back.
    const acknowledged = scenario.acknowledged;
    if (acknowledged.length > 300) acknowledged.splice(100, acknowledged.length - 300);
    expect(await scenario.lostWrites(instance.url)).toEqual([]);
    if (samples.length >= 4) {
      const warm = Math.max(...samples.slice(0, Math.ceil(samples.length / 4)));
      const peak = Math.max(...samples);
      const end = samples.at(-1)!;
      expect(peak, `RSS samples (MB): ${samples.map(Math.round).join(' ')}`).toBeLessThan(CEILING_MB);
      expect(end - warm, `RSS samples (MB): ${samples.map(Math.round).join(' ')}`).toBeLessThan(GROWTH_MB);
    }
  });
});
