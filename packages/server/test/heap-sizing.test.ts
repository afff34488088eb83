import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;
const MODULE = pathToFileURL(join(ROOT, 'packages/server/src/lifecycle/heap-sizing.ts')).href;

/**
 * Allocations like a busy server's: short-lived objects, a share of them surviving a scavenge or two (what
 * makes V8 grow its young generation). In its own `await` steps, as requests are, so the garbage-collection
 * reports reach the observer between them.
 */
const ALLOCATE = `async function allocate() {
  let keep = [];
  for (let round = 0; round < 400; round++) {
    for (let i = 0; i < 5000; i++) { keep.push({ i, s: 'x' + i }); if (keep.length > 20000) keep = []; }
    await new Promise((resolve) => setImmediate(resolve));
  }
}
const { getHeapSpaceStatistics } = await import('node:v8');
const youngMib = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size / 1048576;`;

/** Runs `body` in a fresh node process (the module loaded through tsx) and returns what it printed. */
function run(body: string, env: NodeJS.ProcessEnv = {}): { young: number; held: number; capped: number } {
  const script = `${ALLOCATE}
    const { sizeHeapForStartUp, sizeHeapForServing } = await import(${JSON.stringify(MODULE)});
    const out = {};
    ${body}
    console.log(JSON.stringify(out));`;
  const result = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: '', ...env },
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout.trim()) as { young: number; held: number; capped: number };
}

describe("V8's young generation (lifecycle/heap-sizing.ts)", () => {
  it('grows to 32 MiB under these allocations when nothing sizes it: what the other cases rely on', () => {
    expect(run('await allocate(); out.young = youngMib();').young).toBeGreaterThan(8);
  });

  it('stays at its initial size during start-up, then grows no further than the cap once serving', () => {
    const { held, capped } = run(`
      sizeHeapForStartUp();
      await allocate();
      out.held = youngMib();
      sizeHeapForServing();
      await allocate();
      await allocate();
      out.capped = youngMib();`);
    // Its initial size is 1 MiB per semi-space (2 in all); tsx's own loading may have doubled it already.
    expect(held).toBeLessThanOrEqual(4);
    expect(capped).toBeGreaterThan(held);
    expect(capped).toBeLessThanOrEqual(8);
  });

  it("is left to the operator's flag when there is one (docs/deployment.md, 'Memory')", () => {
    const { young } = run(
      `sizeHeapForStartUp(); sizeHeapForServing(); await allocate(); out.young = youngMib();`,
      { NODE_OPTIONS: '--max-semi-space-size=16' },
    );
    expect(young).toBeGreaterThan(8);
  });
});
