import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../storage/schema.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** Rows deleted per table per run: a run is a handful of short statements, whatever the backlog. */
export const SWEEP_BATCH = 500;
/** When a table had more than a batch, the next run comes this soon instead of after the interval. */
const BACKLOG_DELAY_MS = 1_000;
/** PostgreSQL advisory lock key: one instance sweeps at a time, the others skip that run. */
const SWEEP_LOCK = 0x6761_7465; // "gate"

interface Step {
  table: keyof Database;
  key: string;
  /** Rows that no request can use any more. */
  dead: (now: number) => RawBuilder<unknown>;
}

/**
 * What "dead" means per table (issue 9, item 10). Rows that still prove something stay while they do:
 * a consumed refresh token stays while its family lives (a replay of it is reuse, which ends the family);
 * a revoked family stays a day (longer than any access token it issued); used codes stay an hour.
 */
function steps(ctx: AppContext): Step[] {
  const decayMs = Math.max(ctx.config.throttle.lockoutDecaySeconds * 1000, HOUR_MS);
  return [
    {
      table: 'sessions',
      key: 'id',
      dead: (now) => sql`expires_at <= ${now} OR last_seen_at + idle_ttl_ms <= ${now}`,
    },
    {
      // ip: rows count a one-minute window; mail rows an hour; account and login rows decay.
      table: 'sign_in_throttles',
      key: 'key',
      dead: (now) =>
        sql`locked_until <= ${now} AND ((key LIKE 'ip:%' AND window_started_at <= ${now - MINUTE_MS}) OR window_started_at <= ${now - decayMs})`,
    },
    {
      table: 'token_families',
      key: 'id',
      dead: (now) => sql`expires_at <= ${now} OR revoked_at <= ${now - DAY_MS}`,
    },
    {
      // Never used and past its idle end. Consumed ones go with their family (ON DELETE CASCADE).
      table: 'refresh_tokens',
      key: 'token_hash',
      dead: (now) => sql`consumed_at IS NULL AND expires_at <= ${now}`,
    },
    {
      table: 'workspace_invites',
      key: 'id',
      dead: (now) => sql`expires_at <= ${now - DAY_MS} OR consumed_at <= ${now - DAY_MS}`,
    },
    // Password-reset, verification, e-mail change and invitation links (features/accounts).
    { table: 'account_links', key: 'id', dead: (now) => sql`expires_at <= ${now}` },
    { table: 'sign_in_challenges', key: 'id', dead: (now) => sql`expires_at <= ${now}` },
    // Social login (features/social): upstream states (10 min) and one-time rt codes (60 s).
    { table: 'social_states', key: 'state_hash', dead: (now) => sql`expires_at <= ${now}` },
    { table: 'social_codes', key: 'code_hash', dead: (now) => sql`expires_at <= ${now}` },
    { table: 'social_states', key: 'state_hash', dead: (now) => sql`expires_at <= ${now}` },
    { table: 'social_codes', key: 'code_hash', dead: (now) => sql`expires_at <= ${now - HOUR_MS}` },
    // OAuth (features/oauth): pending logins and consents; codes an hour past their end (a late replay of a
    // used code still finds, and revokes, the grant it yielded); denylisted tokens once they expire anyway.
    { table: 'oauth_interactions', key: 'id', dead: (now) => sql`expires_at <= ${now}` },
    { table: 'oauth_codes', key: 'code_hash', dead: (now) => sql`expires_at <= ${now - HOUR_MS}` },
    { table: 'oauth_revoked_tokens', key: 'jti', dead: (now) => sql`expires_at <= ${now}` },
    // An API token rotated out is refused once its overlap ends, like a revoked one (issue 18).
    { table: 'api_tokens', key: 'id', dead: (now) => sql`rotation_ends_at <= ${now}` },
  ];
}

/**
 * Time-driven work that is not a deletion but belongs on the same schedule, such as the API-token expiry
 * notices. A job must be safe to run on several instances at once (it claims what it does), because it
 * runs outside the sweep lock: sending mail must not hold a transaction open.
 */
export interface SweepJob {
  readonly name: string;
  /** Does what is due now; returns how many things it did. */
  run(): Promise<number>;
}

export type SweepResult = Partial<Record<keyof Database, number>> & {
  /** True when another instance held the sweep lock, so this run deleted nothing. */
  skipped?: boolean;
  /** What each job did, by name; a failed job is logged and counted as -1. */
  jobs?: Record<string, number>;
};

/**
 * Deletes rows nobody can use any more, so that no table only grows. Runs every GATEHOUSE_SWEEP_INTERVAL
 * on every instance; on PostgreSQL a transaction-scoped advisory lock lets one instance at a time do the
 * work, and each statement deletes at most SWEEP_BATCH rows (a backlog is worked off in further runs a
 * second apart). Deleting a row twice is harmless, so even without the lock the result would be the same.
 * The jobs (`SweepJob`) run after the deletions on every instance, each claiming its own work.
 */
export class Sweeper {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #failing = false;
  #stopped = false;

  constructor(
    private readonly ctx: AppContext,
    private readonly batch = SWEEP_BATCH,
    private readonly jobs: readonly SweepJob[] = [],
  ) {}

  /** One run: at most `batch` rows per table, then the jobs. */
  async run(): Promise<SweepResult> {
    let result: SweepResult;
    try {
      result = await this.#sweep();
    } catch (error) {
      this.ctx.metrics.sweep('failed', 0);
      throw error;
    }
    const deleted = Object.values(result).reduce<number>(
      (sum, count) => sum + (typeof count === 'number' ? count : 0),
      0,
    );
    this.ctx.metrics.sweep(result.skipped ? 'skipped' : 'swept', deleted);
    if (this.jobs.length > 0) result.jobs = await this.#runJobs();
    return result;
  }

  /** Each job on its own: one failing (SMTP down) neither stops the others nor the deletions. */
  async #runJobs(): Promise<Record<string, number>> {
    const done: Record<string, number> = {};
    for (const job of this.jobs) {
      done[job.name] = await job.run().catch((error: unknown) => {
        this.ctx.log.warn(
          { job: job.name, reason: error instanceof Error ? error.message : String(error) },
          'sweep job failed; it runs again with the next sweep',
        );
        return -1;
      });
    }
    return done;
  }

  async #sweep(): Promise<SweepResult> {
    const now = this.ctx.now();
    const { db, dialect } = this.ctx.storage;
    const result: SweepResult = {};
    await db.transaction().execute(async (trx) => {
      if (dialect === 'postgres') {
        const lock = await sql<{
          locked: boolean;
        }>`SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK}) AS locked`.execute(trx);
        if (!lock.rows[0]?.locked) {
          result.skipped = true;
          return;
        }
      }
      for (const step of steps(this.ctx)) result[step.table] = await this.#delete(trx, step, now);
      // A rotated token's sealed successor is only for retries within the window: do not keep it longer.
      await trx
        .updateTable('refresh_tokens')
        .set({ successor_sealed: null })
        .where('successor_sealed', 'is not', null)
        .where('successor_until', '<=', now)
        .execute();
    });
    return result;
  }

  async #delete(trx: Kysely<Database>, step: Step, now: number): Promise<number> {
    const table = sql.table(step.table);
    const key = sql.ref(step.key);
    const deleted =
      await sql`DELETE FROM ${table} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${step.dead(now)} LIMIT ${this.batch})`.execute(
        trx,
      );
    return Number(deleted.numAffectedRows ?? 0);
  }

  start(): void {
    this.#schedule(this.ctx.config.reliability.sweepInterval * 1000);
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.run().then(
        (result) => {
          if (this.#failing) this.ctx.log.info('sweep of expired rows works again');
          this.#failing = false;
          const backlog = Object.entries(result).some(
            ([key, count]) => key !== 'jobs' && count === this.batch,
          );
          this.#schedule(backlog ? BACKLOG_DELAY_MS : this.ctx.config.reliability.sweepInterval * 1000);
        },
        (error: unknown) => {
          // Logged once per failing stretch: the next runs will most likely fail the same way.
          if (!this.#failing)
            this.ctx.log.warn(
              { reason: error instanceof Error ? error.message : String(error) },
              'sweep of expired rows failed; tables grow until it works again',
            );
          this.#failing = true;
          this.#schedule(this.ctx.config.reliability.sweepInterval * 1000);
        },
      );
    }, delayMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a run in progress (shutdown: before the pool closes). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running?.catch(() => {});
  }
}
