import type { Kysely, Selectable } from 'kysely';
import type { Database, SocialCodeTable, SocialStateTable } from '../../storage/schema.js';

export type StateRow = Selectable<SocialStateTable>;
export type CodeRow = Selectable<SocialCodeTable>;

/** SQL for the two single-use secrets of a social login: our upstream `state`, and the `rt` code. */
export class LoginStore {
  constructor(private readonly db: Kysely<Database>) {}

  async insertState(row: StateRow): Promise<void> {
    await this.db.insertInto('social_states').values(row).execute();
  }

  /**
   * Takes the state of a login in flight, once: one conditional UPDATE, so a replayed callback (or two
   * racing ones, on any number of instances) finds it consumed. A state issued for another provider does
   * not match either.
   */
  consumeState(stateHash: string, provider: string, now: number): Promise<StateRow | undefined> {
    return this.db
      .updateTable('social_states')
      .set({ consumed_at: now })
      .where('state_hash', '=', stateHash)
      .where('provider', '=', provider)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
  }

  async insertCode(row: CodeRow): Promise<void> {
    await this.db.insertInto('social_codes').values(row).execute();
  }

  /** The `rt` exchange: one conditional UPDATE, so exactly one of any number of concurrent exchanges wins. */
  consumeCode(codeHash: string, now: number): Promise<CodeRow | undefined> {
    return this.db
      .updateTable('social_codes')
      .set({ consumed_at: now })
      .where('code_hash', '=', codeHash)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .returningAll()
      .executeTakeFirst();
  }
}
