/**
 * The raw ceiling for password sign-in: argon2id verifications of the seeded hash with @node-rs/argon2 and
 * nothing else (no HTTP, no database), `concurrency` in flight, as Gatehouse's hasher runs them. Its own
 * process, driven over IPC like the load drivers: a whole run, or slices taking turns with a sign-in load.
 */
import { verify } from '@node-rs/argon2';
import { type DriverMessage, type HashLoopJob, type LoadResult, SliceTotals, serveOrders } from './load.js';

/** Verifies for `seconds` and adds what it did to `totals` (when given). */
async function loop(job: HashLoopJob, seconds: number, totals?: SliceTotals): Promise<void> {
  let done = 0;
  let failures = 0;
  const started = performance.now();
  const end = started + seconds * 1000;
  async function worker(): Promise<void> {
    while (performance.now() < end) {
      const t0 = performance.now();
      if (!(await verify(job.hash, job.password))) failures += 1;
      done += 1;
      totals?.latencies.push(performance.now() - t0);
    }
  }
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  totals?.add({
    total: done,
    seconds: (performance.now() - started) / 1000,
    errors: failures,
    statusCodes: {},
  });
}

async function whole(job: HashLoopJob): Promise<LoadResult> {
  if (job.warmup > 0) await loop(job, job.warmup);
  process.send?.({ type: 'measuring' } satisfies DriverMessage);
  const totals = new SliceTotals();
  await loop(job, job.duration, totals);
  return totals.result();
}

let sliced: { job: HashLoopJob; totals: SliceTotals } | undefined;

serveOrders({
  whole,
  start(job: HashLoopJob) {
    sliced = { job, totals: new SliceTotals() };
  },
  run: (seconds, measured) => loop(sliced!.job, seconds, measured ? sliced!.totals : undefined),
  result: () => sliced!.totals.result(),
});
