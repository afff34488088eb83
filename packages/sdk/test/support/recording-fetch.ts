import type { FetchLike } from '../../src/index.js';

export interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The request body when it was a string (JSON and form bodies are). */
  body?: string;
  status: number;
}

/**
 * A `fetch` that records every request the SDK makes to the real server (method, path, headers and the
 * status it got), so tests can count refreshes and check credentials on the wire without a proxy.
 */
export function recordingFetch(): {
  fetch: FetchLike;
  calls: RecordedCall[];
  callsTo(path: string): RecordedCall[];
} {
  const calls: RecordedCall[] = [];
  const fetchAndRecord: FetchLike = async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const response = await fetch(input, init);
    calls.push({
      method: init.method ?? 'GET',
      path: new URL(input).pathname,
      headers,
      ...(typeof init.body === 'string' ? { body: init.body } : {}),
      status: response.status,
    });
    return response;
  };
  return { fetch: fetchAndRecord, calls, callsTo: (path) => calls.filter((call) => call.path === path) };
}
