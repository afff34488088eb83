import { createRequire } from 'node:module';
import type { SonicBoom as SonicBoomClass } from 'sonic-boom';

// sonic-boom is CommonJS whose typings declare an ES default export: load it the CommonJS way.
const SonicBoom = createRequire(import.meta.url)('sonic-boom') as typeof SonicBoomClass;

/** Log lines are written in batches of this many bytes, or whatever is held every BATCH_INTERVAL_MS. */
const BATCH_BYTES = 4096;
const BATCH_INTERVAL_MS = 100;

/** Log bytes held while the reader is slow; beyond this, lines are dropped (and counted), never waited for. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

export interface LogDestination {
  stream: { write(line: string): void };
  /** Lines dropped because the reader of standard output stalled. */
  dropped(): number;
  /** Writes what is buffered and ends the stream, waiting at most `timeoutMs`: never on a stalled reader. */
  flush(timeoutMs: number): Promise<void>;
}

/**
 * Standard output for `gatehouse start`, written asynchronously (issue 17: a log pipe nobody drained kept
 * the event loop in a busy-wait on a synchronous write, and the process never exited). Built directly on
 * sonic-boom rather than pino.destination(), which also flushes synchronously at exit, and would then block.
 */
export function stdoutDestination(): LogDestination {
  let dropped = 0;
  const boom = new SonicBoom({
    fd: 1,
    sync: false,
    maxLength: MAX_BUFFERED_BYTES,
    // Lines are written in batches of at least 4 KiB, and at least every 100 ms: one write per request
    // line was ~6% of an authenticated GET /api/me at the default `info` level (docs/performance.md).
    minLength: BATCH_BYTES,
    periodicFlush: BATCH_INTERVAL_MS,
  });
  boom.on('drop', () => {
    dropped += 1;
  });
  // A reader that went away (EPIPE) must not crash the server: logging stops, serving goes on.
  boom.on('error', () => {});
  return {
    stream: boom,
    dropped: () => dropped,
    // Ends the stream: sonic-boom writes what it holds, then closes (its flush() does not wait when
    // nothing is batched). Only for the exit, which does not wait longer than `timeoutMs` for it.
    flush: (timeoutMs) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        boom.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
        try {
          boom.end();
        } catch {
          resolve();
        }
      }),
  };
}
