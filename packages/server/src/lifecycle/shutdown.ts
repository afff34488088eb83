import type { FastifyInstance } from 'fastify';
import type { LogDestination } from './log-destination.js';

/** How long the last log lines may take to reach a slow reader before the process exits without them. */
const LOG_FLUSH_MS = 500;
/**
 * Between the signal and closing the listener: connections already queued in the kernel are accepted and
 * answered (closing the listener would reset them), and the readiness check already says not-ready.
 */
export const ACCEPT_GRACE_MS = 250;

/**
 * SIGTERM (or SIGINT): report not-ready at once, stop accepting connections (after ACCEPT_GRACE_MS), answer the requests in flight
 * (each with `Connection: close`, and idle keep-alive connections closed at once), flush batched writes,
 * close the pool, exit 0. Whatever the database or the log reader does, the process has exited within
 * `timeoutMs` (exit code 1 then). A second signal exits at once.
 */
export function exitOnSignals(app: FastifyInstance, timeoutMs: number, logDestination: LogDestination): void {
  let closing = false;
  const exit = (code: number) => {
    void logDestination.flush(LOG_FLUSH_MS).then(() => process.exit(code));
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      app.log.warn({ signal }, 'second signal: exiting now');
      return exit(1);
    }
    closing = true;
    app.readiness.draining = true;
    app.log.info(
      { signal, boundMs: timeoutMs },
      'shutting down: not ready, answering the requests in flight',
    );
    const started = Date.now();
    const bound = setTimeout(() => {
      app.log.error(
        { boundMs: timeoutMs },
        'shutdown bound reached (GATEHOUSE_SHUTDOWN_TIMEOUT): exiting anyway',
      );
      exit(1);
    }, timeoutMs);
    const close = new Promise((resolve) => setTimeout(resolve, ACCEPT_GRACE_MS)).then(() => app.close());
    close.then(
      () => {
        clearTimeout(bound);
        app.log.info({ ms: Date.now() - started, droppedLogLines: logDestination.dropped() }, 'shut down');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(bound);
        app.log.error({ reason: error instanceof Error ? error.message : String(error) }, 'shutdown failed');
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
