import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * How large V8's young generation (both semi-spaces) may grow while Gatehouse serves: 4 MiB per semi-space,
 * against V8's default of 16 (32 MiB resident from start-up on). Measured with the bench (docs/performance.md,
 * "Where each target stands"): 4 MiB costs the cookie check no measurable CPU against 16 and saves ~24 MB;
 * 1 or 2 MiB save a few MB more but cost ~15% more CPU per cookie check (scavenges come too often).
 */
export const YOUNG_GENERATION_CAP_BYTES = 8 * 1024 * 1024;

/**
 * How far V8 lets the old generation grow past what the last full collection kept, in percent, before the
 * next one. V8 picks a factor up to 4× from how fast collection is; Gatehouse's old generation is mostly its
 * modules' code, and its garbage promoted request objects, so a small factor keeps a few MB less resident
 * for a full collection every few seconds under load (no measurable CPU per request). V8 adds at least 8 MB.
 */
export const OLD_GENERATION_GROWING_PERCENT = 15;

/** The node flags through which an operator sizes the heap; when one is given, Gatehouse leaves it alone. */
const OPERATOR_FLAGS =
  /^--(max-semi-space-size|min-semi-space-size|semi-space-growth-factor|heap-growing-percent)\b/;

function chosenByOperator(): boolean {
  const flags = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)];
  return flags.some((flag) => OPERATOR_FLAGS.test(flag));
}

// V8 reads these two flags at every collection, so they can be changed while the process runs. The size
// flags (--max-semi-space-size) are read once, when the heap is set up: too late from here.
let growthFactor = 2;
function setYoungGrowthFactor(next: number): void {
  if (next === growthFactor) return;
  growthFactor = next;
  setFlagsFromString(`--semi-space-growth-factor=${next}`);
}

const youngGenerationBytes = (): number =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;

let observer: PerformanceObserver | undefined;

/**
 * Start-up: the young generation stays at its initial size (1 MiB per semi-space). Loading the modules and
 * migrating allocate in long synchronous stretches that would grow it to V8's maximum, and V8 does not give
 * that memory back. Call first, before the server's modules load (bin/gatehouse.js).
 */
export function sizeHeapForStartUp(): void {
  if (chosenByOperator()) return;
  setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWING_PERCENT}`);
  setYoungGrowthFactor(1);
}

/**
 * Serving: the young generation may grow again, up to YOUNG_GENERATION_CAP_BYTES. After the garbage
 * collections V8 reports, growth stops at the cap (and resumes below it, if V8 shrank the space while
 * idle). V8 grows it by one doubling per scavenge at most, and requests are separate tasks with the reports
 * delivered between them, so it does not pass the cap in practice (test/heap-sizing.test.ts). Call once
 * the server listens (cli/start.ts).
 */
export function sizeHeapForServing(): void {
  if (chosenByOperator() || observer) return;
  const check = () => setYoungGrowthFactor(youngGenerationBytes() >= YOUNG_GENERATION_CAP_BYTES ? 1 : 2);
  observer = new PerformanceObserver(check);
  observer.observe({ entryTypes: ['gc'] });
  check();
}
