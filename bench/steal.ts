/**
 * Steal time: the share of this virtual machine's CPU time that the hypervisor gave to other guests
 * (`/proc/stat`, the `steal` column). On the bench's machine the rows of one build swung by up to 2× between
 * runs while nothing in the guest changed; measured one run at a time, those swings came with steal (a cookie
 * check cost 26–36 µs of CPU per request at 0.0–0.3% steal, 37–40 µs at 0.5%, 52 µs at 22%: docs/performance.md,
 * "Eighth round"). The host's other work slows this guest's cores (shared caches, a busy sibling thread) well
 * before it takes whole time slices, so even a little steal marks a run whose numbers are not the code's.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks since boot, summed over every CPU: all of them, and those stolen. */
export interface MachineTicks {
  total: number;
  steal: number;
}

/** The `cpu` line of /proc/stat, or undefined where there is none (not Linux). */
export function machineTicks(): MachineTicks | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    // cpu  user nice system idle iowait irq softirq steal guest guest_nice (proc(5)); guest time is already
    // counted in user and nice, so it is not added again.
    const fields = line.trim().split(/\s+/).slice(1, 9).map(Number);
    if (fields.length < 8 || fields.some((value) => !Number.isFinite(value))) return undefined;
    return { total: fields.reduce((sum, value) => sum + value, 0), steal: fields[7]! };
  } catch {
    return undefined;
  }
}

/** The percentage of the machine's CPU time stolen between two readings. */
export function stealPercent(
  before: MachineTicks | undefined,
  after: MachineTicks | undefined,
): number | undefined {
  if (!before || !after) return undefined;
  const total = after.total - before.total;
  return total > 0 ? (100 * (after.steal - before.steal)) / total : undefined;
}
