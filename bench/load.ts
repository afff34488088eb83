import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** How the driver varies a request that cannot be repeated verbatim. */
export type Feed =
  /** Password sign-in, cycling through the seeded accounts so no one account is hammered. */
  | { kind: 'signin'; body: Record<string, unknown>; loginField: string; users: number }
  /**
   * Refresh rotation: a refresh token is single-use, so every request sends one never sent before. Each
   * response's new refresh token goes into a queue the next request takes from. A phase's last requests
   * are in flight when it stops and their successors are never read, so the warm-up and the measured
   * window each start their chains from a pool of their own.
   */
  | { kind: 'refresh-chain'; warmupTokens: string[]; tokens: string[] };

/** One load to generate, sent to a driver process (bench/driver.ts). */
export interface LoadJob {
  origin: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  feed?: Feed;
  connections: number;
  warmup: number;
  duration: number;
}

export interface LoadResult {
  /** Mean requests (or hashes) per second over the measured window. */
  rps: number;
  /** Latency in milliseconds. */
  p50: number;
  p99: number;
  max: number;
  total: number;
  /** Non-2xx answers plus socket errors and timeouts (for the hash loop: failed verifications). */
  errors: number;
  statusCodes: Record<string, number>;
}

export type DriverMessage =
  | { type: 'measuring' }
  | { type: 'result'; result: LoadResult }
  | { type: 'error'; message: string };

export interface ChildHooks {
  /** The child's pid, as soon as it exists (the hash loop's RSS is sampled like a server's). */
  onSpawn?: (pid: number) => void;
  /** The warm-up is over and the measured window starts. */
  onMeasuring?: () => void;
}

const DRIVER = fileURLToPath(new URL('./driver.ts', import.meta.url));
const HASH_LOOP = fileURLToPath(new URL('./argon2-loop.ts', import.meta.url));

/** Runs a job in a child process of its own and resolves with what it measured. */
function runInChild(script: string, job: object, hooks: ChildHooks): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    if (child.pid !== undefined) hooks.onSpawn?.(child.pid);
    let settled = false;
    child.on('message', (message: DriverMessage) => {
      if (message.type === 'measuring') hooks.onMeasuring?.();
      else if (message.type === 'result') {
        settled = true;
        resolve(message.result);
      } else {
        settled = true;
        reject(new Error(message.message));
      }
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`${script} exited with ${code} before reporting`));
    });
    child.send(job);
  });
}

/**
 * Generates one load with autocannon in its own process, so the load generator never shares an event loop
 * with the harness or a server.
 */
export function runLoad(job: LoadJob, hooks: ChildHooks = {}): Promise<LoadResult> {
  return runInChild(DRIVER, job, hooks);
}

export interface HashLoopJob {
  hash: string;
  password: string;
  concurrency: number;
  warmup: number;
  duration: number;
}

/** The raw argon2id verification loop (bench/argon2-loop.ts). */
export function runHashLoop(job: HashLoopJob, hooks: ChildHooks = {}): Promise<LoadResult> {
  return runInChild(HASH_LOOP, job, hooks);
}
