/** When and how often to repeat a request the server asked us to try again later (429, 503). */
export interface RetryOptions {
  /** Extra attempts after the first one. Default 2. */
  retries?: number;
  /** Methods that are safe to repeat. Default `['GET', 'HEAD']`: repeating a POST could apply it twice. */
  methods?: string[];
  /** Longest wait before one retry, in ms. A `Retry-After` beyond it is not retried at all. Default 10 000. */
  maxDelayMs?: number;
}

export interface RetryPolicy {
  retries: number;
  methods: ReadonlySet<string>;
  maxDelayMs: number;
}

const RETRYABLE_STATUSES = new Set([429, 503]);
const BASE_DELAY_MS = 250;

export function retryPolicy(options: RetryOptions | false | undefined): RetryPolicy {
  if (options === false) return { retries: 0, methods: new Set(), maxDelayMs: 0 };
  return {
    retries: Math.max(0, options?.retries ?? 2),
    methods: new Set((options?.methods ?? ['GET', 'HEAD']).map((method) => method.toUpperCase())),
    maxDelayMs: Math.max(0, options?.maxDelayMs ?? 10_000),
  };
}

/**
 * How long to wait before attempt `attempt + 1`, or undefined when the response must be returned as is.
 * `Retry-After` (RFC 9110 §10.2.3) is honoured exactly: retrying sooner would only be refused again,
 * so a wait longer than `maxDelayMs` means giving up now rather than retrying early.
 */
export function retryDelay(
  policy: RetryPolicy,
  method: string,
  response: Response,
  attempt: number,
  now = Date.now(),
): number | undefined {
  if (attempt >= policy.retries || !policy.methods.has(method) || !RETRYABLE_STATUSES.has(response.status)) {
    return undefined;
  }
  const asked = parseRetryAfter(response.headers.get('retry-after'), now);
  if (asked !== undefined) return asked <= policy.maxDelayMs ? asked : undefined;
  // Exponential backoff with jitter so many clients rejected together do not come back together.
  const ceiling = Math.min(policy.maxDelayMs, BASE_DELAY_MS * 2 ** attempt);
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

/** `Retry-After` is either delay-seconds or an HTTP-date; returns milliseconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
