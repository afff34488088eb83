import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const TUNING = pathToFileURL(join(import.meta.dirname, '../bin/runtime-tuning.js')).href;

/**
 * A process that loads bin/runtime-tuning.js first, as `gatehouse` does, then allocates like a busy server
 * (short-lived objects, some surviving a scavenge or two); prints V8's young generation in MiB.
 */
function youngGenerationMib(env: NodeJS.ProcessEnv = {}): number {
  const script = `
    await import(${JSON.stringify(TUNING)});
    const { getHeapSpaceStatistics } = await import('node:v8');
    let keep = [];
    for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = []; }
    const young = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space');
    console.log(young.space_size / 1048576);`;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  return Number(run.stdout.trim());
}

describe('runtime tuning (bin/runtime-tuning.js)', () => {
  it('keeps V8 young generation at its initial size instead of 32 MiB', () => {
    expect(youngGenerationMib()).toBeLessThanOrEqual(2);
    // Without the tuning the same allocations grow it to V8's maximum: what the test would miss otherwise.
    const untuned = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `let keep = []; for (let i = 0; i < 2e6; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = []; }
         const { getHeapSpaceStatistics } = await import('node:v8');
         console.log(getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576);`,
      ],
      { env: { ...process.env, NODE_OPTIONS: '' }, encoding: 'utf8' },
    );
    expect(Number(untuned.stdout.trim())).toBeGreaterThan(8);
  });

  it("leaves the young generation alone when the operator sized it (docs/deployment.md, 'Memory')", () => {
    expect(youngGenerationMib({ NODE_OPTIONS: '--max-semi-space-size=8' })).toBeGreaterThan(2);
  });
});
