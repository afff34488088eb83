import { type Kysely, type RawBuilder, sql } from 'kysely';
import { precompiled } from '../../storage/precompiled.js';
import type { Database } from '../../storage/schema.js';

/** An account's lockout rules, in milliseconds (config.throttle). */
export interface LockoutPolicy {
  /** Guesses evaluated before the account locks. */
  threshold: number;
  /** `lockMs[i]`: how long the (threshold + i)-th guess locks the account; the last entry repeats. */
  lockMs: readonly number[];
  /** A guess older than this no longer counts: the next one starts the count afresh. */
  decayMs: number;
}

/**
 * A reserved guess (`lockStarted`: it was the one that locked the account, as the threshold-th guess or a
 * later one), or the end of the lock that refused it.
 */
export type Reservation = { reserved: true; lockStarted: boolean } | { reserved: false; lockedUntil: number };

/** SQL for sign-in counters. Each change is one atomic statement, so concurrent attempts cannot lose a count. */
export class ThrottleStore {
  readonly #reserve = new WeakMap<LockoutPolicy, ReturnType<typeof reserveStatement>>();

  constructor(private readonly db: Kysely<Database>) {}

  /** Counts a hit in the fixed window that started at `windowStart`; returns the hits in that window. */
  async hit(key: string, windowStart: number): Promise<number> {
    const { rows } = await HIT(this.db, { key, windowStart });
    return Number(rows[0]!.hits);
  }

  /**
   * Reserves one password guess for an account BEFORE the hash runs, in ONE statement: an upsert that only
   * updates while the account is not locked, counts the guess as a failure, and sets the lock itself when
   * this guess is the threshold-th. `hits` counts consecutive guesses (the last one's time is
   * `window_started_at`). So of any number of concurrent guesses, on any number of instances, exactly as
   * many as the budget allows get a row back: PostgreSQL serialises upserts of one key on its row lock, and
   * SQLite runs one writer at a time. A guess that turns out right gives the budget back (`reset`); a wrong
   * one needs no second write.
   */
  async reserve(key: string, now: number, policy: LockoutPolicy): Promise<Reservation> {
    let reserve = this.#reserve.get(policy);
    if (!reserve) {
      reserve = reserveStatement(policy);
      this.#reserve.set(policy, reserve);
    }
    const { rows } = await reserve(this.db, { key, now });
    const row = rows[0];
    if (row) return { reserved: true, lockStarted: Number(row.locked_until) > now };
    const locked = await this.db
      .selectFrom('sign_in_throttles')
      .select('locked_until')
      .where('key', '=', key)
      .executeTakeFirst();
    return { reserved: false, lockedUntil: Number(locked?.locked_until ?? now) };
  }

  /** Takes back one reserved guess (never below zero); a lock it already set stays until it ends. */
  async refund(key: string): Promise<void> {
    await this.db
      .updateTable('sign_in_throttles')
      .set({ hits: sql`hits - 1` })
      .where('key', '=', key)
      .where('hits', '>', 0)
      .execute();
  }

  /** A right guess: the consecutive count starts over. */
  async reset(key: string): Promise<void> {
    await RESET(this.db, { key });
  }
}

/** The statements every password sign-in runs, compiled once (storage/precompiled.ts). */
const HIT = precompiled({ key: 'string', windowStart: 'number' }, (db, { key, windowStart }) =>
  db
    .insertInto('sign_in_throttles')
    .values({ key, hits: 1, window_started_at: windowStart, locked_until: 0 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet({
        hits: sql`CASE WHEN sign_in_throttles.window_started_at = ${windowStart} THEN sign_in_throttles.hits + 1 ELSE 1 END`,
        window_started_at: windowStart,
      }),
    )
    .returning('hits'),
);

const RESET = precompiled({ key: 'string' }, (db, { key }) =>
  db.deleteFrom('sign_in_throttles').where('key', '=', key),
);

/** The reserving upsert of `reserve`, for one policy: its thresholds and delays are constants of the SQL. */
function reserveStatement(policy: LockoutPolicy) {
  return precompiled({ key: 'string', now: 'number' }, (db, { key, now }) => {
    // `now` stays a parameter: every time derived from it is SQL arithmetic on it. BIGINT: PostgreSQL would
    // otherwise type the CASE branches as integer, too small for epoch milliseconds.
    const at = (ms: number) => sql<number>`CAST(${now} AS BIGINT) + ${ms}`;
    const decayed = sql<boolean>`sign_in_throttles.window_started_at <= ${at(-policy.decayMs)}`;
    const hits = sql<number>`CASE WHEN ${decayed} THEN 1 ELSE sign_in_throttles.hits + 1 END`;
    return db
      .insertInto('sign_in_throttles')
      .values({ key, hits: 1, window_started_at: now, locked_until: lockAfter(sql`1`, at, policy) })
      .onConflict((oc) =>
        oc
          .column('key')
          .doUpdateSet({ hits, window_started_at: now, locked_until: lockAfter(hits, at, policy) })
          .where('sign_in_throttles.locked_until', '<=', now),
      )
      .returning('locked_until');
  });
}

/**
 * The lock a guess leaves behind, as SQL over its count: none below the threshold, then the policy's
 * delays in order. A short CASE rather than `power()`, which SQLite builds may lack.
 */
function lockAfter(
  hits: RawBuilder<number>,
  at: (ms: number) => RawBuilder<number>,
  policy: LockoutPolicy,
): RawBuilder<number> {
  const { threshold, lockMs } = policy;
  const steps = lockMs.slice(0, -1).map((ms, i) => sql`WHEN ${hits} = ${threshold + i} THEN ${at(ms)}`);
  return sql<number>`CASE WHEN ${hits} < ${threshold} THEN CAST(0 AS BIGINT) ${sql.join(steps, sql` `)} ELSE ${at(lockMs.at(-1) ?? 0)} END`;
}
