import { type Kysely, sql } from 'kysely';
import type { Database } from '../../storage/schema.js';

/** SQL for sign-in counters. Each change is one atomic upsert, so concurrent attempts cannot lose a count. */
export class ThrottleStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Counts a hit in the fixed window that started at `windowStart`; returns the hits in that window. */
  async hit(key: string, windowStart: number): Promise<number> {
    const row = await this.db
      .insertInto('sign_in_throttles')
      .values({ key, hits: 1, window_started_at: windowStart, locked_until: 0 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          hits: sql`CASE WHEN sign_in_throttles.window_started_at = ${windowStart} THEN sign_in_throttles.hits + 1 ELSE 1 END`,
          window_started_at: windowStart,
        }),
      )
      .returning('hits')
      .executeTakeFirstOrThrow();
    return Number(row.hits);
  }

  /** The account's lock, or undefined for an account with no failure on record. */
  async accountState(key: string): Promise<{ lockedUntil: number } | undefined> {
    const row = await this.db
      .selectFrom('sign_in_throttles')
      .select('locked_until')
      .where('key', '=', key)
      .executeTakeFirst();
    return row && { lockedUntil: Number(row.locked_until) };
  }

  /** Adds a consecutive failure; returns the count so far. */
  async addFailure(key: string, now: number): Promise<number> {
    const row = await this.db
      .insertInto('sign_in_throttles')
      .values({ key, hits: 1, window_started_at: now, locked_until: 0 })
      .onConflict((oc) => oc.column('key').doUpdateSet({ hits: sql`sign_in_throttles.hits + 1` }))
      .returning('hits')
      .executeTakeFirstOrThrow();
    return Number(row.hits);
  }

  async lock(key: string, until: number): Promise<void> {
    await this.db
      .updateTable('sign_in_throttles')
      .set({ locked_until: until })
      .where('key', '=', key)
      .execute();
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('sign_in_throttles').where('key', '=', key).execute();
  }
}
