/**
 * The raw ceiling for password sign-in: argon2id verifications of the seeded hash with @node-rs/argon2 and
 * nothing else (no HTTP, no database), `concurrency` in flight, as Gatehouse's hasher runs them. Its own
 * process, driven over IPC like the load drivers.
 */
import { verify } from '@node-rs/argon2';
import type { DriverMessage, HashLoopJob, LoadResult } from './load.js';

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function loop(job: HashLoopJob, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  async function worker(): Promise<void> {
    while (performance.now() < end) {
      const t0 = performance.now();
      if (!(await verify(job.hash, job.password))) failures += 1;
      latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies.at(-1) ?? 0,
    total: latencies.length,
    errors: failures,
    statusCodes: {},
  };
}

process.once('message', (job: HashLoopJob) => {
  (async () => {
    if (job.warmup > 0) await loop(job, job.warmup);
    process.send?.({ type: 'measuring' } satisfies DriverMessage);
    return loop(job, job.duration);
  })().then(
    (result) => {
      process.send?.({ type: 'result', result } satisfies DriverMessage);
      process.disconnect();
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.send?.({ type: 'error', message } satisfies DriverMessage);
      process.disconnect();
    },
  );
});
