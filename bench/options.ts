import { parseArgs } from 'node:util';
import { defaults } from '../packages/server/src/config/defaults.js';
import { defaultHashConcurrency } from '../packages/server/src/config/hash-concurrency.js';

export interface BenchOptions {
  /** Seconds measured per run. */
  duration: number;
  /** Seconds of discarded load before each measured run. */
  warmup: number;
  /** Concurrent connections of each load generator. */
  connections: number;
  /** Seconds per slice when a run and its reference take turns (bench/paired.ts): BENCH_SLICE, default 1. */
  slice: number;
  /**
   * Seconds of cookie checks each Gatehouse process serves after it starts and before its first run:
   * BENCH_PROCESS_WARMUP, default 20 (2 with --quick).
   */
  processWarmup: number;
  /** Accounts seeded into every system. */
  users: number;
  /**
   * Password hashes in flight in the raw argon2id loop: Gatehouse's default, computed by Gatehouse's own
   * function (one per core, fewer when memory is short), so the loop never runs more hashers than the
   * server it is the ceiling of.
   */
  hashConcurrency: number;
  /** Only the runs whose id contains one of these strings; a ratio whose reference was not run shows "—". */
  only: string[];
  /** Write a V8 CPU profile of each Gatehouse process into bench/results/profiles/. */
  profile: boolean;
  quick: boolean;
  /** Rewrite the results section of docs/performance.md from this run. */
  writeDocs: boolean;
  /**
   * Append this run to the history file. Default: full runs only (no --only, no --quick); `--history`
   * forces it, `--no-history` prevents it.
   */
  history: boolean;
  /** The history file (one JSON line per run): BENCH_HISTORY, default bench/history.jsonl. */
  historyFile: string | undefined;
  postgresUrl: string;
  /**
   * A run during which the hypervisor took more than this percentage of the machine's CPU time is measured
   * again (bench/steal.ts): BENCH_STEAL_LIMIT, default 1.
   */
  stealLimit: number;
  /** How many times at most a run is measured while steal exceeds the limit: BENCH_ATTEMPTS, default 3. */
  attempts: number;
}

const USAGE = `usage: npm run bench -- [--quick] [--only=<id>[,<id>…]] [--profile] [--write-docs] [--[no-]history]

  --quick       2 s measured + 1 s warm-up per run (for checking the harness, not for numbers)
  --only        run only the runs whose id contains one of these strings, e.g. --only=me-cookie
  --profile     write CPU profiles of the Gatehouse processes to bench/results/profiles/
  --write-docs  rewrite the results section of docs/performance.md (between its marker comments)
  --history     append this run to bench/history.jsonl (the default for a full run without --quick)
  --no-history  do not append it

Environment: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 3), BENCH_CONNECTIONS (default 10),
BENCH_USERS (default 10000), BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test),
BENCH_SKIP_BUILD=1 (use packages/server/dist as it is instead of rebuilding it first),
BENCH_HISTORY (the history file, default bench/history.jsonl), BENCH_STEAL_LIMIT (%, default 1: a run
during which the hypervisor took more of the machine's CPU time is measured again), BENCH_ATTEMPTS (the most
measurements of one run, default 3), BENCH_SLICE (s, default 1: the slices in which a check and the ceiling,
or sign-in and the raw argon2id loop, take turns), BENCH_PROCESS_WARMUP (s, default 20: cookie checks each
Gatehouse process serves after it starts, before its first run).`;

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

export function readOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      profile: { type: 'boolean', default: false },
      'write-docs': { type: 'boolean', default: false },
      history: { type: 'boolean' },
      'no-history': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const quick = values.quick;
  const only = (values.only ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return {
    duration: positive('BENCH_DURATION', quick ? 2 : 10),
    warmup: positive('BENCH_WARMUP', quick ? 1 : 3),
    connections: Math.round(positive('BENCH_CONNECTIONS', 10)),
    slice: positive('BENCH_SLICE', 1),
    processWarmup: positive('BENCH_PROCESS_WARMUP', quick ? 2 : 20),
    users: Math.round(positive('BENCH_USERS', 10_000)),
    hashConcurrency: defaultHashConcurrency(defaults.argon2MemoryKib),
    only,
    profile: values.profile,
    quick,
    writeDocs: values['write-docs'],
    history: values['no-history'] ? false : (values.history ?? (only.length === 0 && !quick)),
    historyFile: process.env['BENCH_HISTORY'] || undefined,
    postgresUrl: process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    stealLimit: positive('BENCH_STEAL_LIMIT', 1),
    attempts: Math.round(positive('BENCH_ATTEMPTS', 3)),
  };
}
