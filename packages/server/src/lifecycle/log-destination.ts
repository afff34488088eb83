import { fstatSync } from 'node:fs';
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
 * Standard output for `gatehouse start`, in batches of 4 KiB at least every 100 ms (one `write` per request
 * line was ~6% of an authenticated GET /api/me at the default `info` level), and never waiting on its reader
 * (issue 17: a log pipe nobody drained kept the event loop in a busy-wait on a synchronous write, and the
 * process never exited). A process killed with SIGKILL can lose the last 100 ms of lines.
 *
 * How a batch is written depends on what standard output is. A pipe or socket (a service manager, a
 * container runtime) and a regular file go through `process.stdout`: Node writes to a pipe without blocking
 * (what the reader has not taken yet waits in memory, up to MAX_BUFFERED_BYTES, then lines are dropped and
 * counted), and to a file synchronously, which has no reader to stall on. Anything else (a terminal) keeps
 * sonic-boom's asynchronous writes through the thread pool, because Node writes to a terminal synchronously.
 * The batch is a string built here: through sonic-boom, which re-encodes each line's length and each batch,
 * and hops to the thread pool for every write, a line cost ~2.4 µs more (docs/performance.md).
 */
export function stdoutDestination(): LogDestination {
  const kind = stdoutKind();
  return kind === 'other' ? sonicBoomDestination() : streamDestination(process.stdout);
}

function stdoutKind(): 'pipe-or-file' | 'other' {
  try {
    const stat = fstatSync(1);
    return stat.isFIFO() || stat.isSocket() || stat.isFile() ? 'pipe-or-file' : 'other';
  } catch {
    // Standard output closed: sonic-boom's writes fail quietly (its error handler below).
    return 'other';
  }
}

/** Batches lines into one string and hands each batch to `out` (process.stdout), dropping when it backs up. */
function streamDestination(out: NodeJS.WritableStream & { writableLength: number }): LogDestination {
  let batch = '';
  let lines = 0;
  let dropped = 0;
  let broken = false;
  // A reader that went away (EPIPE) must not crash the server: logging stops, serving goes on.
  out.on('error', () => {
    broken = true;
  });
  const writeBatch = () => {
    if (lines === 0) return;
    if (broken || out.writableLength + batch.length > MAX_BUFFERED_BYTES) dropped += lines;
    else out.write(batch);
    batch = '';
    lines = 0;
  };
  setInterval(writeBatch, BATCH_INTERVAL_MS).unref();
  return {
    stream: {
      write(line) {
        batch += line;
        lines += 1;
        if (batch.length >= BATCH_BYTES) writeBatch();
      },
    },
    dropped: () => dropped,
    // Writes the last batch, then waits until the reader has taken what is held, at most `timeoutMs`.
    flush: (timeoutMs) => {
      writeBatch();
      if (broken || out.writableLength === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        out.once('drain', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

/** A terminal (or anything but a pipe, socket or file): sonic-boom's asynchronous writes. */
function sonicBoomDestination(): LogDestination {
  let dropped = 0;
  const boom = new SonicBoom({
    fd: 1,
    sync: false,
    maxLength: MAX_BUFFERED_BYTES,
    minLength: BATCH_BYTES,
    periodicFlush: BATCH_INTERVAL_MS,
  });
  boom.on('drop', () => {
    dropped += 1;
  });
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
