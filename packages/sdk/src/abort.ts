import { GatehouseError } from './errors.js';

/**
 * One request attempt's abort signal: fires when the caller's signal aborts or `timeoutMs` passes.
 * Hand-rolled instead of `AbortSignal.any`/`AbortSignal.timeout` so it runs on every runtime the SDK
 * supports and so we can tell the two causes apart.
 */
export class AttemptSignal {
  readonly #controller = new AbortController();
  readonly #cleanup: Array<() => void> = [];
  #timedOut = false;

  constructor(
    private readonly callerSignal: AbortSignal | undefined,
    timeoutMs: number | undefined,
  ) {
    if (callerSignal) {
      if (callerSignal.aborted) this.#controller.abort(callerSignal.reason);
      const onAbort = () => this.#controller.abort(callerSignal.reason);
      callerSignal.addEventListener('abort', onAbort, { once: true });
      this.#cleanup.push(() => callerSignal.removeEventListener('abort', onAbort));
    }
    if (timeoutMs !== undefined && timeoutMs > 0 && Number.isFinite(timeoutMs)) {
      const timer = setTimeout(() => {
        this.#timedOut = true;
        this.#controller.abort();
      }, timeoutMs);
      this.#cleanup.push(() => clearTimeout(timer));
    }
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Releases the timer and the listener on the caller's signal (a long-lived signal must not collect listeners). */
  dispose(): void {
    for (const release of this.#cleanup.splice(0)) release();
  }

  /** Maps whatever `fetch` or body reading threw into a {@link GatehouseError}. */
  toError(cause: unknown, timeoutMs: number | undefined): GatehouseError {
    if (cause instanceof GatehouseError) return cause;
    if (this.#timedOut) {
      return new GatehouseError({
        status: 0,
        code: 'TIMEOUT',
        message: `Request timed out after ${timeoutMs} ms`,
        cause,
      });
    }
    if (this.callerSignal?.aborted) return abortedError(cause);
    const detail = cause instanceof Error && cause.message ? `: ${cause.message}` : '';
    return new GatehouseError({
      status: 0,
      code: 'NETWORK_ERROR',
      message: `Network request failed${detail}`,
      cause,
    });
  }
}

export function abortedError(cause?: unknown): GatehouseError {
  return new GatehouseError({ status: 0, code: 'ABORTED', message: 'Request was aborted', cause });
}

/** Waits between retries; an abort during the wait rejects at once instead of sleeping it out. */
export function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortedError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
