import type { Kysely, Selectable } from 'kysely';
import type {
  Database,
  OAuthCodeTable,
  OAuthConsentTable,
  OAuthInteractionTable,
} from '../../storage/schema.js';
import type { FamilyRow, RefreshTokenRow } from '../tokens/store.js';
import { TokenStore } from '../tokens/store.js';

export type CodeRow = Selectable<OAuthCodeTable>;
export type InteractionRow = Selectable<OAuthInteractionTable>;
export type ConsentRow = Selectable<OAuthConsentTable>;

/** A user's connected app as the user sees it. */
export interface GrantListing {
  client_id: string;
  client_name: string;
  scope: string;
  created_at: number;
  last_used_at: number | null;
}

/**
 * SQL for the authorization server's own tables. Every single-use thing (an interaction step, a code) is
 * consumed by ONE conditional UPDATE: of concurrent attempts, on one instance or several, exactly one wins.
 */
export class OAuthStore {
  readonly #tokens: TokenStore;

  constructor(private readonly db: Kysely<Database>) {
    this.#tokens = new TokenStore(db);
  }

  async insertInteraction(row: InteractionRow): Promise<void> {
    await this.db.insertInto('oauth_interactions').values(row).execute();
  }

  findInteraction(id: string, now: number): Promise<InteractionRow | undefined> {
    return this.db
      .selectFrom('oauth_interactions')
      .selectAll()
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
  }

  /** Records who signed in during the interaction; false if it was finished or expired meanwhile. */
  async interactionSignedIn(
    id: string,
    userId: string,
    authTime: number,
    amr: readonly string[],
    now: number,
  ): Promise<boolean> {
    const result = await this.db
      .updateTable('oauth_interactions')
      .set({ user_id: userId, auth_time: authTime, amr: JSON.stringify(amr) })
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Finishes an interaction: one winner. */
  async consumeInteraction(id: string, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('oauth_interactions')
      .set({ consumed_at: now })
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async insertCode(row: CodeRow): Promise<void> {
    await this.db.insertInto('oauth_codes').values(row).execute();
  }

  /**
   * Exchanges a code: consumes it (one conditional UPDATE, bound to the client, unexpired) and, in the same
   * transaction, records the token family it yields and creates that family. A concurrent replay waits on
   * the row, then finds the code consumed with its family committed, and can revoke it. `ended`: the user's
   * oldest families the per-user cap ended to make room (the caller tells every instance).
   */
  exchangeCode(
    codeHash: string,
    clientId: string,
    now: number,
    family: FamilyRow,
    firstToken: RefreshTokenRow | null,
  ): Promise<{ code: CodeRow; ended: string[] } | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const code = await trx
        .updateTable('oauth_codes')
        .set({ consumed_at: now, family_id: family.id })
        .where('code_hash', '=', codeHash)
        .where('client_id', '=', clientId)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      if (!code) return undefined;
      const ended = await this.#tokens.createFamily({ ...family, user_id: code.user_id }, firstToken, trx);
      return { code, ended };
    });
  }

  findCode(codeHash: string): Promise<CodeRow | undefined> {
    return this.db.selectFrom('oauth_codes').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  }

  findConsent(userId: string, clientId: string): Promise<ConsentRow | undefined> {
    return this.db
      .selectFrom('oauth_consents')
      .selectAll()
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
  }

  /** Remembers a consent; the scopes replace what was granted before (the page showed them all). */
  async saveConsent(userId: string, clientId: string, scope: string, now: number): Promise<void> {
    await this.db
      .insertInto('oauth_consents')
      .values({ user_id: userId, client_id: clientId, scope, created_at: now, updated_at: now })
      .onConflict((oc) => oc.columns(['user_id', 'client_id']).doUpdateSet({ scope, updated_at: now }))
      .execute();
  }

  async deleteConsent(userId: string, clientId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('oauth_consents')
      .where('user_id', '=', userId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** A user's connected apps: consents, and live grants of clients without one (trusted clients). */
  async listGrants(userId: string, now: number): Promise<GrantListing[]> {
    const consents = await this.db
      .selectFrom('oauth_consents as c')
      .innerJoin('oauth_clients as k', 'k.id', 'c.client_id')
      .select(['c.client_id', 'k.name as client_name', 'c.scope', 'c.created_at'])
      .where('c.user_id', '=', userId)
      .execute();
    const families = await this.db
      .selectFrom('token_families as f')
      .innerJoin('oauth_clients as k', 'k.id', 'f.client_id')
      .leftJoin('refresh_tokens as t', 't.family_id', 'f.id')
      .select([
        'f.client_id',
        'k.name as client_name',
        'f.scope',
        'f.created_at',
        (eb) => eb.fn.max('t.created_at').as('last_used_at'),
      ])
      .where('f.user_id', '=', userId)
      .where('f.revoked_at', 'is', null)
      .where('f.expires_at', '>', now)
      .groupBy(['f.id', 'f.client_id', 'k.name', 'f.scope', 'f.created_at'])
      .execute();
    const byClient = new Map<string, GrantListing>();
    for (const row of consents)
      byClient.set(row.client_id, { ...row, created_at: Number(row.created_at), last_used_at: null });
    for (const row of families) {
      const clientId = row.client_id as string;
      const lastUsed = Math.max(Number(row.created_at), Number(row.last_used_at ?? 0));
      const known = byClient.get(clientId);
      if (known) known.last_used_at = Math.max(known.last_used_at ?? 0, lastUsed);
      else
        byClient.set(clientId, {
          client_id: clientId,
          client_name: row.client_name,
          scope: row.scope ?? '',
          created_at: Number(row.created_at),
          last_used_at: lastUsed,
        });
    }
    return [...byClient.values()].sort(
      (a, b) => (b.last_used_at ?? b.created_at) - (a.last_used_at ?? a.created_at),
    );
  }

  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    await this.db
      .insertInto('oauth_revoked_tokens')
      .values({ jti, expires_at: expiresAt })
      .onConflict((oc) => oc.column('jti').doNothing())
      .execute();
  }

  async isAccessTokenRevoked(jti: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('oauth_revoked_tokens')
      .select('jti')
      .where('jti', '=', jti)
      .executeTakeFirst();
    return row !== undefined;
  }
}
