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
  /** A sliced child ran the slice it was asked for. */
  | { type: 'sliced' }
  | { type: 'result'; result: LoadResult }
  | { type: 'error'; message: string };

/**
 * What the harness sends a child. A job alone runs its warm-up and measured window at once; a job sent with
 * `sliced` waits for `slice` orders (a number of seconds, counted in the result or not) and reports the sum
 * of its measured slices on `finish`, so that two loads can take turns (bench/paired.ts).
 */
export type ChildOrder =
  | { type: 'job'; job: object; sliced: boolean }
  | { type: 'slice'; seconds: number; measured: boolean }
  | { type: 'finish' };

/** Sums measured slices: rate over the time they ran, latency percentiles over every answer. */
export class SliceTotals {
  private total = 0;
  private seconds = 0;
  private errors = 0;
  private readonly statusCodes: Record<string, number> = {};
  readonly latencies: number[] = [];

  add(slice: { total: number; seconds: number; errors: number; statusCodes: Record<string, number> }): void {
    this.total += slice.total;
    this.seconds += slice.seconds;
    this.errors += slice.errors;
    for (const [code, count] of Object.entries(slice.statusCodes))
      this.statusCodes[code] = (this.statusCodes[code] ?? 0) + count;
  }

  result(): LoadResult {
    const sorted = Float64Array.from(this.latencies).sort();
    const at = (p: number) =>
      sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
    return {
      rps: this.seconds > 0 ? this.total / this.seconds : 0,
      p50: at(50),
      p99: at(99),
      max: sorted.at(-1) ?? 0,
      total: this.total,
      errors: this.errors,
      statusCodes: this.statusCodes,
    };
  }
}

/** Answers a child's orders: `run(seconds, measured)` runs one slice, `result()` sums the measured ones. */
export function serveOrders(handlers: {
  whole(job: never): Promise<LoadResult>;
  start(job: never): void;
  run(seconds: number, measured: boolean): Promise<void>;
  result(): LoadResult;
}): void {
  const send = (message: DriverMessage) => process.send?.(message);
  const fail = (error: unknown) => {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.disconnect();
  };
  process.on('message', (order: ChildOrder) => {
    if (order.type === 'job' && !order.sliced) {
      process.removeAllListeners('message');
      handlers.whole(order.job as never).then((result) => {
        send({ type: 'result', result });
        process.disconnect();
      }, fail);
    } else if (order.type === 'job') handlers.start(order.job as never);
    else if (order.type === 'slice')
      handlers.run(order.seconds, order.measured).then(() => send({ type: 'sliced' }), fail);
    else {
      send({ type: 'result', result: handlers.result() });
      process.disconnect();
    }
  });
}

export interface ChildHooks {
  /** The child's pid, as soon as it exists (the hash loop's RSS is sampled like a server's). */
  onSpawn?: (pid: number) => void;
  /** The warm-up is over and the measured window starts. */
  onMeasuring?: () => void;
}

const DRIVER = fileURLToPath(new URL('./driver.ts', import.meta.url));
const HASH_LOOP = fileURLToPath(new URL('./argon2-loop.ts', import.meta.url));

const forkChild = (script: string) =>
  fork(script, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });

/** Runs a job in a child process of its own and resolves with what it measured. */
function runInChild(script: string, job: object, hooks: ChildHooks): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = forkChild(script);
    if (child.pid !== undefined) hooks.onSpawn?.(child.pid);
    let settled = false;
    child.on('message', (message: DriverMessage) => {
      if (message.type === 'measuring') hooks.onMeasuring?.();
      else if (message.type === 'result') {
        settled = true;
        resolve(message.result);
      } else if (message.type === 'error') {
        settled = true;
        reject(new Error(message.message));
      }
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`${script} exited with ${code} before reporting`));
    });
    child.send({ type: 'job', job, sliced: false } satisfies ChildOrder);
  });
}

/** A load generator or hash loop that runs in slices on order (bench/paired.ts takes turns with two). */
export class SlicedChild {
  private readonly child;
  private waiting: { resolve(message: DriverMessage): void; reject(error: Error): void } | undefined;
  private failure: Error | undefined;

  constructor(kind: 'load' | 'hash-loop', job: LoadJob | HashLoopJob) {
    this.child = forkChild(kind === 'load' ? DRIVER : HASH_LOOP);
    this.child.on('message', (message: DriverMessage) => {
      const waiting = this.waiting;
      this.waiting = undefined;
      if (message.type === 'error') waiting?.reject(new Error(message.message));
      else waiting?.resolve(message);
    });
    this.child.on('exit', (code) => {
      this.failure = new Error(`${kind} child exited with ${code} before reporting`);
      this.waiting?.reject(this.failure);
      this.waiting = undefined;
    });
    this.child.send({ type: 'job', job, sliced: true } satisfies ChildOrder);
  }

  /** The child's pid (the hash loop's CPU and RSS are measured like a server's). */
  get pid(): number {
    return this.child.pid!;
  }

  private order(order: ChildOrder): Promise<DriverMessage> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.child.send(order);
    });
  }

  async slice(seconds: number, measured: boolean): Promise<void> {
    await this.order({ type: 'slice', seconds, measured });
  }

  async finish(): Promise<LoadResult> {
    const message = await this.order({ type: 'finish' });
    if (message.type !== 'result') throw new Error(`expected a result, got ${message.type}`);
    return message.result;
  }

  /** Ends the child whatever state it is in (a failed run). */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
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
