import type { Kysely, Selectable } from 'kysely';
import type { Database, SigningKeyTable } from '../../storage/schema.js';

export type SigningKeyRow = Selectable<SigningKeyTable>;

/** SQL for the shared signing keys: every instance reads the same rows, so every instance serves one JWKS. */
export class SigningKeyStore {
  constructor(private readonly db: Kysely<Database>) {}

  /** Active keys, and retired keys still inside their grace. */
  listUsable(now: number): Promise<SigningKeyRow[]> {
    return this.db
      .selectFrom('signing_keys')
      .selectAll()
      .where((eb) => eb.or([eb('active_for', 'is not', null), eb('verify_until', '>', now)]))
      .orderBy('created_at', 'desc')
      .execute();
  }

  listAll(): Promise<SigningKeyRow[]> {
    return this.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').execute();
  }

  /**
   * Inserts the first key of an algorithm unless another instance got there first: the unique `active_for`
   * makes the loser's insert a no-op, so racing instances end up sharing the winner's key.
   */
  async insertIfNoneActive(row: SigningKeyRow): Promise<boolean> {
    const result = await this.db
      .insertInto('signing_keys')
      .values(row)
      .onConflict((oc) => oc.column('active_for').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /**
   * Retires the active key of `row.alg` (it keeps verifying until `verifyUntil`) and makes `row` the active
   * one, in one transaction; keys whose grace is over are deleted. A concurrent rotation of the same
   * algorithm fails on the unique `active_for` rather than leaving two active keys.
   */
  async rotate(row: SigningKeyRow, now: number, verifyUntil: number): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      const retired = await trx
        .updateTable('signing_keys')
        .set({ active_for: null, retired_at: now, verify_until: verifyUntil })
        .where('active_for', '=', row.alg)
        .returning('kid')
        .execute();
      await trx.insertInto('signing_keys').values(row).execute();
      await trx
        .deleteFrom('signing_keys')
        .where('active_for', 'is', null)
        .where('verify_until', '<=', now)
        .execute();
      return retired.map((r) => r.kid);
    });
  }

  /** Algorithms that currently have a signing key. */
  async activeAlgorithms(): Promise<string[]> {
    const rows = await this.db
      .selectFrom('signing_keys')
      .select('active_for')
      .where('active_for', 'is not', null)
      .execute();
    return rows.flatMap((r) => (r.active_for ? [r.active_for] : []));
  }
}
