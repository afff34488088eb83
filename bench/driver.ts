/**
 * The load generator process: autocannon against one URL, a warm-up whose numbers are discarded, then the
 * measured window. Talks to the harness over IPC (bench/load.ts).
 */
import autocannon, { type AutocannonRequest, type AutocannonResult } from 'autocannon';
import type { DriverMessage, Feed, LoadJob, LoadResult } from './load.js';

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

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Throughput from autocannon's per-second samples; latency percentiles from every response time it reports
 * (its own histogram keeps whole milliseconds, too coarse for sub-millisecond answers).
 */
function summarise(result: AutocannonResult, latencies: number[]): LoadResult {
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statusCodes[code] = count;
  const sorted = Float64Array.from(latencies).sort();
  return {
    rps: result.requests.average,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
    total: result.requests.total,
    errors: result.non2xx + result.errors + result.timeouts,
    statusCodes,
  };
}

async function run(job: LoadJob): Promise<LoadResult> {
  const state = { next: 0, queue: [] as string[] };
  const load = (duration: number, tokens: string[]) => {
    state.queue.push(...tokens);
    return autocannon({
      url: job.origin,
      connections: job.connections,
      duration,
      pipelining: 1,
      timeout: 10,
      requests: requestsFor(job, job.feed, state),
    });
  };
  const chain = job.feed?.kind === 'refresh-chain' ? job.feed : undefined;
  if (job.warmup > 0) await load(job.warmup, chain?.warmupTokens ?? []);
  send({ type: 'measuring' });
  const latencies: number[] = [];
  const measured = load(job.duration, chain?.tokens ?? []);
  measured.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  return summarise(await measured, latencies);
}

process.once('message', (job: LoadJob) => {
  run(job).then(
    (result) => {
      send({ type: 'result', result });
      process.disconnect();
    },
    (error: unknown) => {
      send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
      process.disconnect();
    },
  );
});
