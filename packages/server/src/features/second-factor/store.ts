import type { Kysely, Selectable } from 'kysely';
import type { Database, SignInChallengeTable, TotpFactorTable } from '../../storage/schema.js';

export type TotpRow = Selectable<TotpFactorTable>;
export type ChallengeRow = Selectable<SignInChallengeTable>;

/**
 * SQL for the second factor. Every use of a code is one conditional UPDATE, so a code replayed, or sent
 * twice at the same moment, is accepted once.
 */
export class SecondFactorStore {
  constructor(private readonly db: Kysely<Database>) {}

  find(userId: string): Promise<TotpRow | undefined> {
    return this.db.selectFrom('totp_factors').selectAll().where('user_id', '=', userId).executeTakeFirst();
  }

  /** Starts (or restarts) an enrolment; false when a confirmed factor exists (disable it first). */
  async startEnrolment(userId: string, secretSealed: string, now: number): Promise<boolean> {
    const result = await this.db
      .insertInto('totp_factors')
      .values({
        user_id: userId,
        secret_sealed: secretSealed,
        created_at: now,
        confirmed_at: null,
        last_step: null,
      })
      .onConflict((oc) =>
        oc
          .column('user_id')
          .doUpdateSet({ secret_sealed: secretSealed, created_at: now, last_step: null })
          .where('totp_factors.confirmed_at', 'is', null),
      )
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Confirms a pending enrolment with its first code's step; false when there was none pending. */
  async confirm(userId: string, step: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('totp_factors')
      .set({ confirmed_at: now, last_step: step })
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Accepts a code's step only if it is later than every step accepted before: one winner per code. */
  async useStep(userId: string, step: number): Promise<boolean> {
    const result = await this.db
      .updateTable('totp_factors')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async delete(userId: string): Promise<void> {
    await this.db.deleteFrom('totp_factors').where('user_id', '=', userId).execute();
    await this.db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  }

  async replaceRecoveryCodes(userId: string, hashes: readonly string[], now: number): Promise<void> {
    await this.db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await this.db
      .insertInto('recovery_codes')
      .values(hashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: now, used_at: null })))
      .execute();
  }

  /** Uses a recovery code in one statement; false when it is unknown or used. */
  async useRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async recoveryCodesLeft(userId: string): Promise<number> {
    const row = await this.db
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async setUserFlag(userId: string, at: number | null): Promise<void> {
    await this.db.updateTable('users').set({ second_factor_at: at }).where('id', '=', userId).execute();
  }

  async insertChallenge(row: ChallengeRow): Promise<void> {
    await this.db.insertInto('sign_in_challenges').values(row).execute();
  }

  findLiveChallenge(tokenHash: string, now: number): Promise<ChallengeRow | undefined> {
    return this.db
      .selectFrom('sign_in_challenges')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  /** Completes a challenge once: of concurrent completions with good codes, one signs in. */
  async consumeChallenge(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('sign_in_challenges')
      .set({ consumed_at: now })
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Counts a wrong code against the challenge; it dies (expires now) at the limit. */
  async failChallenge(id: string, limit: number, now: number): Promise<void> {
    await this.db
      .updateTable('sign_in_challenges')
      .set((eb) => ({
        failures: eb('failures', '+', 1),
        expires_at: eb
          .case()
          .when('failures', '>=', limit - 1)
          .then(now)
          .else(eb.ref('expires_at'))
          .end(),
      }))
      .where('id', '=', id)
      .execute();
  }
}
