/**
 * The load generator process: autocannon against one URL, a warm-up whose numbers are discarded, then the
 * measured window; or slices on order, taking turns with another load (bench/paired.ts). Talks to the
 * harness over IPC (bench/load.ts).
 */
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import {
  type DriverMessage,
  type Feed,
  type LoadJob,
  type LoadResult,
  SliceTotals,
  serveOrders,
} from './load.js';

function send(message: DriverMessage): void {
  process.send?.(message);
}

/** The request list for a job: one static request, or one whose body changes on every send. */
function requestsFor(job: LoadJob, feed: Feed | undefined, state: { next: number; queue: string[] }) {
  const base: AutocannonRequest = {
    method: job.method,
    path: job.path,
    headers: job.headers,
    ...(job.body !== undefined && { body: job.body }),
  };
  if (!feed) return [base];
  if (feed.kind === 'signin') {
    return [
      {
        ...base,
        setupRequest: (request: AutocannonRequest) => {
          const login = `bench-${state.next++ % feed.users}@example.test`;
          return { ...request, body: JSON.stringify({ ...feed.body, [feed.loginField]: login }) };
        },
      },
    ];
  }
  return [
    {
      ...base,
      // A connection sends the oldest unused token; each 200 hands back the successor for the next send.
      // An empty queue (chains broken by errors) sends a dead token: a visible 401, never a silent stall
      // (autocannon cannot skip a request).
      setupRequest: (request: AutocannonRequest) => {
        const token = state.queue.shift() ?? 'exhausted';
        return { ...request, body: JSON.stringify({ refreshToken: token }) };
      },
      onResponse: (status: number, body: string) => {
        if (status !== 200) return;
        const next = (JSON.parse(body) as { payload?: { refreshToken?: string } }).payload?.refreshToken;
        if (next) state.queue.push(next);
      },
    },
  ];
}

/**
 * Adds an autocannon result to `totals`: latency percentiles come from every response time it reported
 * (its own histogram keeps whole milliseconds, too coarse for sub-millisecond answers).
 */
function addResult(totals: SliceTotals, result: AutocannonResult, seconds: number): void {
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count;
  totals.add({
    total: result.requests.total,
    seconds,
    errors: result.non2xx + result.errors + result.timeouts,
    statusCodes,
  });
}

/** Starts a load of `seconds` against the job's origin; `tokens` join the refresh chain's queue first. */
function loader(job: LoadJob) {
  const state = { next: 0, queue: [] as string[] };
  return (seconds: number, tokens: readonly string[], sliced = false) => {
    state.queue.push(...tokens);
    return autocannon({
      url: job.origin,
      connections: job.connections,
      duration: seconds,
      pipelining: 1,
      timeout: 10,
      // autocannon stops at its next sample after the duration: every 100 ms keeps a slice near its length.
      ...(sliced && { sampleInt: 100 }),
      requests: requestsFor(job, job.feed, state),
    });
  };
}

async function run(job: LoadJob): Promise<LoadResult> {
  const load = loader(job);
  const chain = job.feed?.kind === 'refresh-chain' ? job.feed : undefined;
  if (job.warmup > 0) await load(job.warmup, chain?.warmupTokens ?? []);
  send({ type: 'measuring' });
  const totals = new SliceTotals();
  const measured = load(job.duration, chain?.tokens ?? []);
  measured.on('response', (_client, _status, _bytes, ms) => totals.latencies.push(ms));
  const result = await measured;
  addResult(totals, result, result.duration);
  // A whole run's throughput is the mean of autocannon's per-second samples.
  return { ...totals.result(), rps: result.requests.average };
}

/**
 * Sliced: each order runs one slice. A refresh chain's two pools join the queue at the start: every slice
 * loses the chains in flight when it stops, so the pools are sized for the number of slices (bench/plan.ts).
 */
let sliced: { load: ReturnType<typeof loader>; totals: SliceTotals; pending: string[] } | undefined;

serveOrders({
  whole: run,
  start(job: LoadJob) {
    const chain = job.feed?.kind === 'refresh-chain' ? job.feed : undefined;
    const pending = [...(chain?.warmupTokens ?? []), ...(chain?.tokens ?? [])];
    sliced = { load: loader(job), totals: new SliceTotals(), pending };
  },
  async run(seconds, measured) {
    const { load, totals, pending } = sliced!;
    const started = performance.now();
    const instance = load(seconds, pending.splice(0), true);
    if (measured) instance.on('response', (_client, _status, _bytes, ms) => totals.latencies.push(ms));
    const result = await instance;
    if (measured) addResult(totals, result, (performance.now() - started) / 1000);
  },
  result: () => sliced!.totals.result(),
});
