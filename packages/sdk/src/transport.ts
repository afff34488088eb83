import { AttemptSignal, sleep } from './abort.js';
import type { CookieJar } from './cookie-jar.js';
import type { FetchLike } from './options.js';
import { type RetryPolicy, retryDelay } from './retry.js';

/** One HTTP exchange as the request core sees it: the response and its already-read body. */
export interface Exchange {
  response: Response;
  /** Parsed JSON, raw text when the body is not JSON, or undefined when empty. */
  body: unknown;
  /** False when a non-empty body could not be parsed as JSON. */
  json: boolean;
}

export interface TransportSettings {
  fetch: FetchLike;
  retry: RetryPolicy;
  timeoutMs: number | undefined;
  /** Set outside browsers, where the SDK keeps the session cookie itself. */
  cookieJar: CookieJar | undefined;
}

/**
 * Sends one logical request: repeats it on 429/503 as the retry policy allows, applies the timeout to
 * each attempt (connect and body), and records cookies from every answer.
 */
export async function send(
  settings: TransportSettings,
  url: string,
  init: RequestInit,
  callerSignal: AbortSignal | undefined,
): Promise<Exchange> {
  const method = (init.method ?? 'GET').toUpperCase();
  for (let attempt = 0; ; attempt += 1) {
    const exchange = await sendOnce(settings, url, init, callerSignal);
    const delay = retryDelay(settings.retry, method, exchange.response, attempt);
    if (delay === undefined) return exchange;
    await sleep(delay, callerSignal);
  }
}

async function sendOnce(
  settings: TransportSettings,
  url: string,
  init: RequestInit,
  callerSignal: AbortSignal | undefined,
): Promise<Exchange> {
  const attempt = new AttemptSignal(callerSignal, settings.timeoutMs);
  try {
    const response = await settings.fetch(url, { ...init, signal: attempt.signal });
    settings.cookieJar?.capture(response.headers);
    return { response, ...(await readBody(response)) };
  } catch (cause) {
    throw attempt.toError(cause, settings.timeoutMs);
  } finally {
    attempt.dispose();
  }
}

async function readBody(response: Response): Promise<{ body: unknown; json: boolean }> {
  const text = await response.text();
  if (text === '') return { body: undefined, json: true };
  try {
    return { body: JSON.parse(text), json: true };
  } catch {
    return { body: text, json: false };
  }
}
