/**
 * A run and its reference measured in turns: one-second slices of each, alternating, so that both see the
 * same minutes of the host. On the bench's virtual machine the cost of the same request moved by up to 2×
 * between minutes (docs/performance.md, "Eighth round"), so a Gatehouse row and a ceiling measured minutes
 * apart could disagree by more than the targets' margins whatever the code did. Each side's CPU is read
 * around its own slices only, so the other side's load is never counted.
 */
import type { HashLoopJob, LoadJob, LoadResult } from './load.js';
import { SlicedChild } from './load.js';
import { cpuSeconds, mainThreadCpuSeconds } from './servers.js';
import { machineTicks, stealPercent } from './steal.js';

export interface PairSide {
  kind: 'load' | 'hash-loop';
  job: LoadJob | HashLoopJob;
  /** The process whose CPU is the side's: the server for a load, the hash loop itself when absent. */
  pid?: number;
}

export interface PairedSide {
  result: LoadResult;
  /** Process-wide and main-thread CPU seconds spent during this side's measured slices. */
  cpu: { process: number | undefined; loop: number | undefined };
}

export interface PairedResult {
  measured: PairedSide;
  reference: PairedSide;
  /** Steal over the whole measured window, both sides' slices. */
  steal: number | undefined;
}

export interface PairTiming {
  warmup: number;
  duration: number;
  /** Seconds per slice. */
  slice: number;
}

/** The slice lengths that add up to `seconds`: whole slices and a shorter last one. */
export function sliceLengths(seconds: number, slice: number): number[] {
  const lengths: number[] = [];
  for (let left = seconds; left > 1e-9; left -= slice) lengths.push(Math.min(slice, left));
  return lengths;
}

/**
 * Waits until `pid` has stopped working (under 2 ms of CPU in 20 ms), at most 2 s. A slice ends by closing
 * its connections, but the server still finishes what they had sent: up to one password hash per
 * connection, ~10 ms of CPU each, which would otherwise run during the other side's slice and slow it.
 */
export async function quiet(pid: number): Promise<void> {
  const deadline = Date.now() + 2000;
  let before = cpuSeconds(pid);
  while (before !== undefined && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const now = cpuSeconds(pid);
    if (now === undefined || now - before < 0.002) return;
    before = now;
  }
}

const add = (sum: number | undefined, before: number | undefined, after: number | undefined) =>
  sum === undefined || before === undefined || after === undefined ? undefined : sum + after - before;

/**
 * Runs `measured` and `reference` in alternating slices: the warm-up's, then the measured window's, each
 * pair of slices in the other order from the last (ABBA…), so neither side always follows the other.
 */
export async function runPaired(
  measured: PairSide,
  reference: PairSide,
  timing: PairTiming,
): Promise<PairedResult> {
  const children = [measured, reference].map((side) => new SlicedChild(side.kind, side.job));
  const pids = [measured, reference].map((side, i) => side.pid ?? children[i]!.pid);
  const cpu = pids.map(() => ({ process: 0 as number | undefined, loop: 0 as number | undefined }));
  try {
    const turns = (round: number) => (round % 2 === 0 ? [0, 1] : [1, 0]);
    for (const [round, seconds] of sliceLengths(timing.warmup, timing.slice).entries())
      for (const i of turns(round)) {
        await children[i]!.slice(seconds, false);
        await quiet(pids[i]!);
      }
    const ticks = machineTicks();
    for (const [round, seconds] of sliceLengths(timing.duration, timing.slice).entries())
      for (const i of turns(round)) {
        const pid = pids[i]!;
        const before = { process: cpuSeconds(pid), loop: mainThreadCpuSeconds(pid) };
        await children[i]!.slice(seconds, true);
        // Read when the slice ends: what the server still does for the closed connections is left out, as
        // it is at the end of a whole run's window.
        cpu[i] = {
          process: add(cpu[i]!.process, before.process, cpuSeconds(pid)),
          loop: add(cpu[i]!.loop, before.loop, mainThreadCpuSeconds(pid)),
        };
        await quiet(pid);
      }
    const steal = stealPercent(ticks, machineTicks());
    const [a, b] = await Promise.all(children.map((child) => child.finish()));
    return {
      measured: { result: a!, cpu: cpu[0]! },
      reference: { result: b!, cpu: cpu[1]! },
      steal,
    };
  } finally {
    for (const child of children) child.kill();
  }
}
