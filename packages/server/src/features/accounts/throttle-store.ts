import { type Kysely, type RawBuilder, sql } from 'kysely';
import { onPostgres } from '../../storage/on-postgres.js';
import { precompiled } from '../../storage/precompiled.js';
import type { Database } from '../../storage/schema.js';
import type { SqliteWrite } from '../../storage/sqlite-write.js';
import type { UserRow } from '../identity/user-store.js';
import { FIND_BY_LOGIN } from './store.js';

/** The budget key of an account's guesses is this prefix and the account's id (throttle.ts). */
export const ACCOUNT_BUDGET_PREFIX = 'account:';

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

/** What a password sign-in needs to know before its hash; see `ThrottleStore.admit`. */
export interface AdmissionRequest {
  /** The client's per-minute window: its key and start. */
  clientKey: string;
  windowStart: number;
  /** Hits allowed in the window; past them nothing is looked up or reserved. */
  limit: number;
  /** The identifier key typed (e-mail or username), and the budget of its guesses when no account has it. */
  identifier: string;
  unknownBudget: string;
  now: number;
}

/** The client's hits in its window and, when within the limit, the account and the guess's reservation. */
export type Admission =
  | { admitted: false; hits: number }
  | { admitted: true; user: UserRow | undefined; budget: string; reservation: Reservation };

/** SQL for sign-in counters. Each change is one atomic statement, so concurrent attempts cannot lose a count. */
export class ThrottleStore {
  readonly #reserve = new WeakMap<LockoutPolicy, ReturnType<typeof reserveStatement>>();
  readonly #admit = new WeakMap<LockoutPolicy, Map<number, ReturnType<typeof postgresAdmission>>>();
  readonly #postgres: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    /** SQLite: the write section `admit` runs in (storage/sqlite-write.ts). */
    private readonly sqliteWrite?: SqliteWrite,
  ) {
    this.#postgres = onPostgres(db);
  }

  /**
   * A password sign-in's three steps before its hash as one database step: the client's hit in its window
   * (`hit`), the account the identifier names, and, when the client is within its limit, one guess reserved
   * from that account's budget or the unknown identifier's (`reserve`), with the same statements' rules.
   * PostgreSQL: one statement (data-modifying CTEs), one round trip where there were three. SQLite: one
   * synchronous write section, one commit where there were two. Either way the hit counts even when the
   * client is over its limit, as `hit` alone does.
   */
  async admit(request: AdmissionRequest, policy: LockoutPolicy): Promise<Admission> {
    const found = this.#postgres
      ? await this.#admitPostgres(request, policy)
      : await this.#admitSqlite(request, policy);
    if (!found.admitted) return found;
    const { user, budget, reserved } = found;
    if (reserved !== undefined)
      return {
        admitted: true,
        user,
        budget,
        reservation: { reserved: true, lockStarted: reserved > request.now },
      };
    return { admitted: true, user, budget, reservation: await this.#refused(budget, request.now) };
  }

  async #admitPostgres(request: AdmissionRequest, policy: LockoutPolicy): Promise<Found> {
    let byLimit = this.#admit.get(policy);
    if (!byLimit) {
      byLimit = new Map();
      this.#admit.set(policy, byLimit);
    }
    let statement = byLimit.get(request.limit);
    if (!statement) {
      statement = postgresAdmission(policy, request.limit);
      byLimit.set(request.limit, statement);
    }
    const { limit: _limit, ...args } = request;
    const row = (await statement(this.db, args)).rows[0]!;
    const { admission_hits, admission_lock, ...account } = row;
    const hits = Number(admission_hits);
    if (hits > request.limit) return { admitted: false, hits };
    const user = account.id === null ? undefined : (account as UserRow);
    const budget = user ? ACCOUNT_BUDGET_PREFIX + user.id : request.unknownBudget;
    const reserved = admission_lock === null ? undefined : Number(admission_lock);
    return { admitted: true, user, budget, reserved };
  }

  #admitSqlite(request: AdmissionRequest, policy: LockoutPolicy): Promise<Found> | Found {
    const reserve = this.#reserveFor(policy);
    if (!this.sqliteWrite) throw new Error('a sign-in admission on SQLite runs in the write section');
    return this.sqliteWrite((statements) => {
      const hit = statements.all(HIT, { key: request.clientKey, windowStart: request.windowStart })[0]!;
      const hits = Number(hit.hits);
      if (hits > request.limit) return { admitted: false, hits };
      const user = statements.all(FIND_BY_LOGIN, { key: request.identifier })[0];
      const budget = user ? ACCOUNT_BUDGET_PREFIX + user.id : request.unknownBudget;
      const row = statements.all(reserve, { key: budget, now: request.now })[0];
      return { admitted: true, user, budget, reserved: row ? Number(row.locked_until) : undefined };
    });
  }

  #reserveFor(policy: LockoutPolicy): ReturnType<typeof reserveStatement> {
    let reserve = this.#reserve.get(policy);
    if (!reserve) {
      reserve = reserveStatement(policy);
      this.#reserve.set(policy, reserve);
    }
    return reserve;
  }

  /** A guess refused: the lock in force (its end), read after the reserving upsert declined to update. */
  async #refused(key: string, now: number): Promise<Reservation> {
    const locked = await this.db
      .selectFrom('sign_in_throttles')
      .select('locked_until')
      .where('key', '=', key)
      .executeTakeFirst();
    return { reserved: false, lockedUntil: Number(locked?.locked_until ?? now) };
  }

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
    const { rows } = await this.#reserveFor(policy)(this.db, { key, now });
    const row = rows[0];
    if (row) return { reserved: true, lockStarted: Number(row.locked_until) > now };
    return this.#refused(key, now);
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

/** A budget's consecutive count starting over: its row deleted (`reset`). */
export const clearBudget = (db: Kysely<Database>, key: string | null) =>
  db.deleteFrom('sign_in_throttles').where('key', '=', key);

export const RESET = precompiled({ key: 'string' }, (db, { key }) => clearBudget(db, key), {
  prepareOnPostgres: true,
});

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

/** What `admit` read: `reserved` is the reserved guess's lock end (0: none), undefined when refused. */
type Found =
  | { admitted: false; hits: number }
  | { admitted: true; user: UserRow | undefined; budget: string; reserved: number | undefined };

/**
 * PostgreSQL's `admit`, for one policy and limit: `hit`, the account look-up and `reserve` as one statement.
 * The reservation's INSERT takes its row from `hit`, so nothing is reserved when the client is over its
 * limit; the two upserts never meet on one row (an `ip:` key and an `account:` or `login:` one).
 */
function postgresAdmission(policy: LockoutPolicy, limit: number) {
  return precompiled(
    {
      clientKey: 'string',
      windowStart: 'number',
      identifier: 'string',
      unknownBudget: 'string',
      now: 'number',
    },
    (_db, a) => {
      const at = (ms: number) => sql<number>`CAST(${a.now} AS BIGINT) + ${ms}`;
      const decayed = sql<boolean>`sign_in_throttles.window_started_at <= ${at(-policy.decayMs)}`;
      const hits = sql<number>`CASE WHEN ${decayed} THEN 1 ELSE sign_in_throttles.hits + 1 END`;
      return sql<UserRow & { admission_hits: number; admission_lock: number | null }>`WITH hit AS (
        INSERT INTO sign_in_throttles (key, hits, window_started_at, locked_until)
        VALUES (${a.clientKey}, 1, ${a.windowStart}, 0)
        ON CONFLICT (key) DO UPDATE SET
          hits = CASE WHEN sign_in_throttles.window_started_at = ${a.windowStart} THEN sign_in_throttles.hits + 1 ELSE 1 END,
          window_started_at = ${a.windowStart}
        RETURNING hits
      ), account AS (
        SELECT users.* FROM login_identifiers AS li INNER JOIN users ON users.id = li.user_id
        WHERE li.identifier = ${a.identifier}
      ), reserved AS (
        INSERT INTO sign_in_throttles (key, hits, window_started_at, locked_until)
        SELECT COALESCE((SELECT CAST(${ACCOUNT_BUDGET_PREFIX} AS TEXT) || account.id FROM account), CAST(${a.unknownBudget} AS TEXT)),
          1, CAST(${a.now} AS BIGINT), ${lockAfter(sql`1`, at, policy)}
        FROM hit WHERE hit.hits <= ${limit}
        ON CONFLICT (key) DO UPDATE SET hits = ${hits}, window_started_at = ${a.now}, locked_until = ${lockAfter(hits, at, policy)}
        WHERE sign_in_throttles.locked_until <= ${a.now}
        RETURNING locked_until
      )
      SELECT hit.hits AS admission_hits, (SELECT locked_until FROM reserved) AS admission_lock, account.*
      FROM hit LEFT JOIN account ON true`;
    },
    // PostgreSQL spent more of its CPU parsing and planning this statement than running it: prepared once
    // per connection (storage/postgres-pool.ts). Its plan is by keys only.
    { prepareOnPostgres: true },
  );
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
