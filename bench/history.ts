/**
 * The bench's history: one JSON line per full run in bench/history.jsonl (committed, so a regression shows
 * across sessions), and the comparison of a run with the one before it. Append-only lines merge cleanly
 * when two branches each add a run.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { RunRow, TargetRow } from './report.js';

export interface HistoryEntry {
  startedAt: string;
  /** `git describe`-style: the commit measured, `-dirty` when the tree had uncommitted changes. */
  commit: string;
  quick: boolean;
  options: { duration: number; warmup: number; connections: number; users: number };
  machine: {
    cores: number;
    cpu: string;
    loadAverageAtStart: number[];
    loadAverageAtEnd: number[];
    /** Of the whole run (bench/steal.ts); absent in entries written before it was measured. */
    stealPercent?: number;
  };
  runs: Array<{
    id: string;
    status: string;
    rps?: number;
    p99?: number;
    cpuUsPerRequest?: number;
    loopUsPerRequest?: number;
    stealPercent?: number;
    rssMb?: number;
    /** The reference measured in turns with the run (bench/paired.ts); absent before pairing. */
    beside?: { id: string; rps: number; cpuUsPerRequest?: number };
  }>;
  targets: Array<{ target: string; value?: number; verdict: string }>;
}

/** The commit of the tree the bench runs from. */
export function currentCommit(repoRoot: string): string {
  const git = (...args: string[]) =>
    spawnSync('git', args, { cwd: repoRoot, encoding: 'utf8' }).stdout?.trim() ?? '';
  const commit = git('rev-parse', '--short=10', 'HEAD') || 'unknown';
  return git('status', '--porcelain', '--untracked-files=no') ? `${commit}-dirty` : commit;
}

export function historyEntry(
  base: Omit<HistoryEntry, 'runs' | 'targets'>,
  rows: readonly RunRow[],
  targets: readonly TargetRow[],
): HistoryEntry {
  return {
    ...base,
    runs: rows.map((r) => ({
      id: r.id,
      status: r.status,
      ...(r.rps !== undefined && { rps: r.rps }),
      ...(r.p99 !== undefined && { p99: r.p99 }),
      ...(r.cpuUsPerRequest !== undefined && { cpuUsPerRequest: r.cpuUsPerRequest }),
      ...(r.loopUsPerRequest !== undefined && { loopUsPerRequest: r.loopUsPerRequest }),
      ...(r.stealPercent !== undefined && { stealPercent: r.stealPercent }),
      ...(r.rssMb !== undefined && { rssMb: Math.round(r.rssMb) }),
      ...(r.beside && { beside: r.beside }),
    })),
    targets: targets.map((t) => ({
      target: t.target,
      ...(t.value !== undefined && { value: t.value }),
      verdict: t.verdict,
    })),
  };
}

/** Every run recorded so far, oldest first; a line that does not parse is skipped. */
export function readHistory(file: string): HistoryEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as HistoryEntry];
      } catch {
        return [];
      }
    });
}

export function appendHistory(file: string, entry: HistoryEntry): void {
  appendFileSync(file, `${JSON.stringify(entry)}\n`);
}

/** CPU per request moving more than this is called out: it barely moves between runs of the same code. */
const CPU_NOTICE = 0.1;

const percent = (now: number, before: number) => {
  const change = (now - before) / before;
  return `${change >= 0 ? '+' : ''}${(change * 100).toFixed(0)}%`;
};

/**
 * This run against `previous`: throughput and CPU per request of every run both measured, and the targets
 * whose verdict changed. CPU per request up by more than 10% is marked as a regression to look at.
 */
export function formatDelta(
  previous: HistoryEntry,
  rows: readonly RunRow[],
  targets: readonly TargetRow[],
): string {
  const before = new Map(previous.runs.map((r) => [r.id, r]));
  const lines: string[] = [];
  for (const row of rows) {
    const old = before.get(row.id);
    if (!old || row.rps === undefined || old.rps === undefined) continue;
    const cpu =
      row.cpuUsPerRequest !== undefined && old.cpuUsPerRequest !== undefined && old.cpuUsPerRequest > 0
        ? `${old.cpuUsPerRequest} → ${row.cpuUsPerRequest} (${percent(row.cpuUsPerRequest, old.cpuUsPerRequest)})`
        : '—';
    const flag =
      row.cpuUsPerRequest !== undefined &&
      old.cpuUsPerRequest !== undefined &&
      row.cpuUsPerRequest > old.cpuUsPerRequest * (1 + CPU_NOTICE)
        ? ' ⚠ more CPU'
        : row.cpuUsPerRequest !== undefined &&
            old.cpuUsPerRequest !== undefined &&
            row.cpuUsPerRequest < old.cpuUsPerRequest * (1 - CPU_NOTICE)
          ? ' less CPU'
          : '';
    const steal = `${old.stealPercent?.toFixed(1) ?? '—'} → ${row.stealPercent?.toFixed(1) ?? '—'}`;
    lines.push(
      `| ${row.id} | ${old.rps.toFixed(0)} → ${row.rps.toFixed(0)} (${percent(row.rps, old.rps)}) | ${cpu}${flag} | ${steal} |`,
    );
  }
  const verdicts = new Map(previous.targets.map((t) => [t.target, t]));
  const changed = targets.flatMap((t) => {
    const old = verdicts.get(t.target);
    // A target one of the two runs did not measure (a partial run) has not changed.
    if (!old || old.verdict === t.verdict || old.verdict === 'n/a' || t.verdict === 'n/a') return [];
    return [`- ${t.target}: ${old.verdict} → ${t.verdict} (${old.value ?? '—'} → ${t.value ?? '—'})`];
  });
  const header =
    `Against the previous recorded run (${previous.startedAt}, commit ${previous.commit}` +
    `${previous.quick ? ', --quick' : ''}, load average ${previous.machine.loadAverageAtStart.join(' ')} at its start):`;
  const runTable =
    lines.length === 0
      ? '(no run in common)'
      : [
          '| run | req/s before → now | CPU µs/req before → now | steal % before → now |',
          '|---|---:|---:|---:|',
          ...lines,
        ].join('\n');
  const verdictText =
    changed.length === 0
      ? 'No target changed verdict.'
      : `Targets that changed verdict:\n${changed.join('\n')}`;
  return `${header}\n\n${runTable}\n\n${verdictText}\n`;
}
