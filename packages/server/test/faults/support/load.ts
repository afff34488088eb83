import { request } from 'node:http';

export interface Answer {
  status: number;
  body: string;
}

/** What a stretch of load saw: every status, and anything a fault must never produce. */
export interface LoadReport {
  total: number;
  statuses: Record<number, number>;
  /** 500s, bodies with a stack or SQL, non-JSON error bodies: must stay empty whatever the fault. */
  problems: string[];
  /** Requests that got no HTTP answer at all (connection refused or reset). */
  unanswered: number;
  /** Of those, the ones whose connection was accepted and then dropped: a request lost, not refused. */
  dropped: number;
  /** When each dropped request was sent (Date.now()). */
  droppedSentAt: number[];
}

/** Marks of an internal error leaking out: a stack frame, a pg message, SQL. */
const LEAK =
  /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|Connection terminated|\bECONN[A-Z]+|\b(?:select|SELECT|insert into|INSERT INTO) |\bpg_[a-z]/;

/**
 * Concurrent request loops against one or more instances (round-robin), until `stop()`. Each loop runs
 * `step` with the base URL it is given; its answers are checked as they arrive. Keep-alive is off so that a
 * killed or draining instance shows up as unanswered requests instead of a reused dead socket.
 */
export class Load {
  readonly #report: LoadReport = {
    total: 0,
    statuses: {},
    problems: [],
    unanswered: 0,
    dropped: 0,
    droppedSentAt: [],
  };
  #running = true;
  readonly #loops: Promise<void>[] = [];
  #turn = 0;

  constructor(
    private readonly urls: string[],
    private readonly step: (call: Call, index: number) => Promise<void>,
    concurrency = 8,
  ) {
    for (let loop = 0; loop < concurrency; loop += 1) this.#loops.push(this.#run(loop));
  }

  async #run(loop: number): Promise<void> {
    let index = 0;
    while (this.#running) {
      const url = this.urls[this.#turn++ % this.urls.length]!;
      await this.step((path, init) => this.#call(url, path, init), loop * 1_000_000 + index++).catch(
        () => {},
      );
    }
  }

  async #call(base: string, path: string, init: CallInit = {}): Promise<Answer | undefined> {
    this.#report.total += 1;
    const sentAt = Date.now();
    try {
      const response = await send(base + path, init);
      const { status, body } = response;
      this.#report.statuses[status] = (this.#report.statuses[status] ?? 0) + 1;
      if (status >= 500 && status !== 503)
        this.#report.problems.push(`${status} ${path}: ${body.slice(0, 200)}`);
      if (status >= 400 && LEAK.test(body)) this.#report.problems.push(`leak ${path}: ${body.slice(0, 200)}`);
      if (status === 503 && !response.retryAfter)
        this.#report.problems.push(`503 without Retry-After on ${path}`);
      return { status, body };
    } catch (error) {
      this.#report.unanswered += 1;
      // Refused: the instance no longer listens (a load balancer retries elsewhere). Anything else was
      // accepted and never answered.
      if ((error as { code?: string }).code !== 'ECONNREFUSED') {
        this.#report.dropped += 1;
        this.#report.droppedSentAt.push(sentAt);
      }
      return undefined;
    }
  }

  async stop(): Promise<LoadReport> {
    this.#running = false;
    await Promise.all(this.#loops);
    return this.#report;
  }
}

export interface CallInit {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export type Call = (path: string, init?: CallInit) => Promise<Answer | undefined>;

/** One HTTP request on a fresh connection (no keep-alive), with a 15 s bound. */
export function send(
  url: string,
  init: CallInit = {},
): Promise<Answer & { retryAfter: string | undefined; setCookie: string | undefined }> {
  const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: payload === undefined ? (init.method ?? 'GET') : 'POST',
        agent: false,
        timeout: 15_000,
        headers: {
          connection: 'close',
          ...(payload !== undefined && { 'content-type': 'application/json' }),
          ...init.headers,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body,
            retryAfter: res.headers['retry-after'],
            setCookie: res.headers['set-cookie']?.join('\n'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}
