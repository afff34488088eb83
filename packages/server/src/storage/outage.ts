import type { FastifyBaseLogger } from 'fastify';

const QUIET_MS = 1_000;

/**
 * Logs a database outage once when it starts and once when it ends, with how many operations failed in
 * between: during an outage every request fails the same way, and a line (with a stack) per 503 would bury
 * everything else in the log (issue 17, outage logging floods).
 */
export class OutageLog {
  #since: number | undefined;
  #lastFailure = 0;
  #failures = 0;
  /** Every failure since start (`/metrics`). */
  totalFailures = 0;

  constructor(
    private readonly log: FastifyBaseLogger,
    private readonly what: string,
    private readonly now: () => number = Date.now,
  ) {}

  get down(): boolean {
    return this.#since !== undefined;
  }

  failed(error: unknown): void {
    this.#failures += 1;
    this.totalFailures += 1;
    this.#lastFailure = this.now();
    if (this.#since !== undefined) return;
    this.#since = this.now();
    // The message only: pg errors carry no secrets, but a stack per outage says nothing useful.
    const reason = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: string } | undefined)?.code;
    this.log.error(
      { reason, code },
      `${this.what} unavailable: requests that need it answer 503 until it is back`,
    );
  }

  /**
   * A success ends the outage once no failure came for QUIET_MS: when a connection is cut, the queries on
   * the other dead connections fail a moment after a fresh one already succeeded; that is the same outage.
   */
  succeeded(): void {
    if (this.#since === undefined || this.now() - this.#lastFailure < QUIET_MS) return;
    this.log.warn(
      { failedOperations: this.#failures, downForMs: this.now() - this.#since },
      `${this.what} available again`,
    );
    this.#since = undefined;
    this.#failures = 0;
  }
}
