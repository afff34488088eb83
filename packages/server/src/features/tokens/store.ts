import { type Kysely, type Selectable, sql, type Transaction } from 'kysely';
import { onPostgres } from '../../storage/on-postgres.js';
import type { Database, RefreshTokenTable, TokenFamilyTable } from '../../storage/schema.js';
import type { SqliteStatements, SqliteWrite } from '../../storage/sqlite-write.js';
import { inTransaction } from '../../storage/transaction.js';
import { lockUserState } from '../../storage/user-lock.js';
import {
  POSTGRES_ROTATE_CLIENT,
  POSTGRES_ROTATE_FIRST_PARTY,
  type RotatedFamily,
  SQLITE_CONSUME,
  SQLITE_INSERT_SUCCESSOR,
  SQLITE_LIVE_FAMILY_CLIENT,
  SQLITE_LIVE_FAMILY_FIRST_PARTY,
} from './rotation-sql.js';

export type FamilyRow = Selectable<TokenFamilyTable>;
export type RefreshTokenRow = Selectable<RefreshTokenTable>;

export type RevokeReason =
  | 'logout'
  | 'reuse'
  | 'password_change'
  | 'revoked_by_user'
  | 'password_reset'
  | 'account_disabled'
  | 'signed_out_by_admin'
  | 'oauth_revoked'
  | 'code_replay'
  | 'client_deleted'
  /** The user signed in more often than MAX_FAMILIES_PER_USER allows: the oldest sign-in ended. */
  | 'evicted';

/** Live token sign-ins (families) one user may hold; a new one past it ends the oldest (docs/tokens.md). */
export const MAX_FAMILIES_PER_USER = 100;

/** A live token sign-in as its owner sees it (GET /api/me/token-sessions). */
export interface TokenSessionListing {
  id: string;
  workspace_id: string | null;
  workspace_name: string | null;
  created_at: number;
  /** When its current refresh token was issued: the sign-in or the latest refresh. */
  last_used_at: number;
  /** The sooner of the family's absolute end and its current refresh token's idle end. */
  expires_at: number;
  user_agent: string | null;
  ip: string | null;
}

/** A successor ready to replace the token being consumed: its hash, and its raw value sealed for retries. */
export interface Successor {
  hash: string;
  /** Null when the retry window is off: nothing is kept that could hand the successor out again. */
  sealed: string | null;
  /** End of the retry window: until then a retry of the consumed token gets this same successor. */
  retryUntil: number;
  /** Idle lifetime of the successor, capped at the family's absolute end. */
  idleTtlMs: number;
}

/**
 * SQL for refresh-token families. Every consume is a conditional UPDATE, and a read that decides it runs in
 * the same write transaction (SQLite's BEGIN IMMEDIATE), never before it.
 */
export class TokenStore {
  /** PostgreSQL rotates in one statement; SQLite in two, in a transaction. */
  readonly #postgres: boolean;

  constructor(
    private readonly db: Kysely<Database>,
    /** SQLite: the write section a rotation runs in (storage/sqlite-write.ts); `rotate` needs it. */
    private readonly sqliteWrite?: SqliteWrite,
  ) {
    this.#postgres = onPostgres(db);
  }

  /** A new family and its first refresh token (an OAuth grant without offline access has none), together. */
  async createFamily(
    family: FamilyRow,
    firstToken: RefreshTokenRow | null,
    db: Kysely<Database> = this.db,
  ): Promise<string[]> {
    return inTransaction(db, async (trx) => {
      // One user's concurrent sign-ins take turns, so each sees the others' families when it evicts.
      await lockUserState(trx, family.user_id);
      await trx.insertInto('token_families').values(family).execute();
      if (firstToken) await trx.insertInto('refresh_tokens').values(firstToken).execute();
      // Bounded per-user state: the oldest live sign-ins past the cap end, in the same transaction.
      const evicted = await trx
        .updateTable('token_families')
        .set({ revoked_at: family.created_at, revoked_reason: 'evicted' })
        .where(
          'id',
          'in',
          trx
            .selectFrom('token_families')
            .select('id')
            .where('user_id', '=', family.user_id)
            .where('revoked_at', 'is', null)
            .where('expires_at', '>', family.created_at)
            .orderBy('created_at', 'desc')
            .orderBy('id', 'desc')
            .limit(1_000)
            .offset(MAX_FAMILIES_PER_USER),
        )
        .returning('id')
        .execute();
      const ids = evicted.map((row) => row.id);
      if (ids.length > 0) await trx.deleteFrom('refresh_tokens').where('family_id', 'in', ids).execute();
      return ids;
    });
  }

  /**
   * Revokes every live family of a client, or of one user with that client (the user disconnects the app);
   * returns the revoked ids.
   */
  async revokeClientFamilies(
    clientId: string,
    userId: string | undefined,
    now: number,
    reason: RevokeReason,
  ): Promise<string[]> {
    return this.db.transaction().execute(async (trx) => {
      let query = trx
        .updateTable('token_families')
        .set({ revoked_at: now, revoked_reason: reason })
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null);
      if (userId) query = query.where('user_id', '=', userId);
      const revoked = (await query.returning('id').execute()).map((r) => r.id);
      if (revoked.length > 0)
        await trx.deleteFrom('refresh_tokens').where('family_id', 'in', revoked).execute();
      return revoked;
    });
  }

  /**
   * Rotation: consumes the token, which only succeeds while the token is unused, unexpired and its family
   * alive and of `clientId`, yields the family's row, and stores the successor, atomically. Of any number
   * of concurrent calls with one token, exactly one gets the family back (on PostgreSQL the others wait on
   * the row lock, then see `consumed_at` set; SQLite serialises writers). Undefined means "not rotated".
   *
   * PostgreSQL: the consume and the successor's insert are one statement (a data-modifying CTE), atomic on
   * its own: one round trip instead of BEGIN, consume, read, insert and COMMIT. SQLite, which has no
   * data-modifying CTEs, reads the live token's family, consumes the token and inserts the successor in one
   * write transaction, synchronously (storage/sqlite-write.ts): BEGIN IMMEDIATE holds the write lock from
   * the start, so nothing can consume the token between the read and the UPDATE, on this connection or
   * another. The SQL is in rotation-sql.ts, written out once: this is the hottest write path.
   *
   * A first-party rotation (`clientId` null) returns only the family's columns it needs (RotatedFamily);
   * an OAuth client's, the whole row.
   */
  rotate(
    tokenHash: string,
    now: number,
    successor: Successor,
    clientId: null,
  ): Promise<RotatedFamily | undefined>;
  rotate(
    tokenHash: string,
    now: number,
    successor: Successor,
    clientId: string,
  ): Promise<FamilyRow | undefined>;
  rotate(
    tokenHash: string,
    now: number,
    successor: Successor,
    clientId: string | null,
  ): Promise<RotatedFamily | undefined>;
  async rotate(
    tokenHash: string,
    now: number,
    successor: Successor,
    clientId: string | null,
  ): Promise<RotatedFamily | undefined> {
    const consume = { tokenHash, now, sealed: successor.sealed, retryUntil: successor.retryUntil };
    if (this.#postgres) {
      const rotation = { ...consume, successorHash: successor.hash, idleEnd: now + successor.idleTtlMs };
      const { rows } =
        clientId === null
          ? await POSTGRES_ROTATE_FIRST_PARTY(this.db, rotation)
          : await POSTGRES_ROTATE_CLIENT(this.db, { ...rotation, clientId });
      return rows[0];
    }
    const rotate = (statements: SqliteStatements): RotatedFamily | undefined => {
      const family =
        clientId === null
          ? statements.all(SQLITE_LIVE_FAMILY_FIRST_PARTY, { tokenHash, now })[0]
          : statements.all(SQLITE_LIVE_FAMILY_CLIENT, { tokenHash, now, clientId })[0];
      // The UPDATE's own condition agrees with the read (nothing wrote in between); checked all the same.
      if (!family || statements.changes(SQLITE_CONSUME, consume) !== 1) return undefined;
      const expiresAt = Math.min(now + successor.idleTtlMs, family.expires_at);
      statements.run(SQLITE_INSERT_SUCCESSOR, { hash: successor.hash, familyId: family.id, now, expiresAt });
      return family;
    };
    if (!this.sqliteWrite) throw new Error('a refresh rotation on SQLite runs in the write section');
    return this.sqliteWrite(rotate);
  }

  /**
   * Moves a live family to another workspace and rotates it: every unconsumed token of the family is
   * consumed and the successor stored. The consumed token hands over to the successor until
   * `successor.retryUntil` but never past its own idle end: the switch does not lengthen its life.
   */
  moveFamily(
    familyId: string,
    workspaceId: string,
    now: number,
    successor: Successor,
  ): Promise<FamilyRow | undefined> {
    return this.db.transaction().execute(async (trx) => {
      const family = await trx
        .updateTable('token_families')
        .set({ workspace_id: workspaceId })
        .where('id', '=', familyId)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      if (!family) return undefined;
      await trx
        .updateTable('refresh_tokens')
        .set({
          consumed_at: now,
          successor_sealed: successor.sealed,
          successor_until: sql<number>`CASE WHEN expires_at < ${successor.retryUntil} THEN expires_at ELSE CAST(${successor.retryUntil} AS BIGINT) END`,
        })
        .where('family_id', '=', familyId)
        .where('consumed_at', 'is', null)
        .execute();
      await this.#insertSuccessor(trx, family, now, successor);
      return family;
    });
  }

  async #insertSuccessor(
    trx: Transaction<Database>,
    family: FamilyRow,
    now: number,
    successor: Successor,
  ): Promise<void> {
    await trx
      .insertInto('refresh_tokens')
      .values({
        token_hash: successor.hash,
        family_id: family.id,
        created_at: now,
        expires_at: Math.min(now + successor.idleTtlMs, family.expires_at),
        consumed_at: null,
        successor_sealed: null,
        successor_until: null,
      })
      .execute();
  }

  /** A refresh token by hash, for classifying a failed rotation (retry, reuse, or just invalid). */
  findToken(tokenHash: string): Promise<RefreshTokenRow | undefined> {
    return this.db
      .selectFrom('refresh_tokens')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
  }

  findFamily(familyId: string): Promise<FamilyRow | undefined> {
    return this.db.selectFrom('token_families').selectAll().where('id', '=', familyId).executeTakeFirst();
  }

  /** Revokes one family and drops its refresh tokens (and with them any sealed successor). */
  async revokeFamily(familyId: string, now: number, reason: RevokeReason): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('token_families')
        .set({ revoked_at: now, revoked_reason: reason })
        .where('id', '=', familyId)
        .where('revoked_at', 'is', null)
        .execute();
      await trx.deleteFrom('refresh_tokens').where('family_id', '=', familyId).execute();
    });
  }

  /**
   * A user's live token sign-ins: families neither revoked nor past their end that still hold an unused,
   * unexpired refresh token (one whose last token idled out can never refresh again, so it is not listed).
   */
  async listLive(userId: string, now: number): Promise<TokenSessionListing[]> {
    const rows = await this.db
      .selectFrom('token_families as f')
      .innerJoin('refresh_tokens as t', 't.family_id', 'f.id')
      .leftJoin('workspaces as w', 'w.id', 'f.workspace_id')
      .select([
        'f.id',
        'f.workspace_id',
        'w.name as workspace_name',
        'f.created_at',
        't.created_at as last_used_at',
        'f.expires_at as family_expires_at',
        't.expires_at as token_expires_at',
        'f.user_agent',
        'f.ip',
      ])
      .where('f.user_id', '=', userId)
      // OAuth grants are listed as connected apps (features/oauth), not as the user's own sign-ins.
      .where('f.client_id', 'is', null)
      .where('f.revoked_at', 'is', null)
      .where('f.expires_at', '>', now)
      .where('t.consumed_at', 'is', null)
      .where('t.expires_at', '>', now)
      .orderBy('t.created_at', 'desc')
      .execute();
    // A family has one unconsumed token at a time; a switch racing a rotation could briefly leave two.
    const seen = new Set<string>();
    return rows.flatMap(({ family_expires_at, token_expires_at, ...row }) => {
      if (seen.has(row.id)) return [];
      seen.add(row.id);
      return [{ ...row, expires_at: Math.min(family_expires_at, token_expires_at) }];
    });
  }

  /** Revokes one family if it belongs to the user and is live; false when there was nothing to revoke. */
  async revokeOwnedFamily(
    userId: string,
    familyId: string,
    now: number,
    reason: RevokeReason,
  ): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const revoked = await trx
        .updateTable('token_families')
        .set({ revoked_at: now, revoked_reason: reason })
        .where('id', '=', familyId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!revoked) return false;
      await trx.deleteFrom('refresh_tokens').where('family_id', '=', familyId).execute();
      return true;
    });
  }

  /**
   * Revokes every live family of a user except `exceptId`; returns the revoked ids. Joins the caller's
   * transaction when there is one (a password reset or a disable ends everything at once).
   */
  revokeUserFamilies(
    userId: string,
    now: number,
    reason: RevokeReason,
    exceptId: string | undefined,
  ): Promise<string[]> {
    return inTransaction(this.db, async (trx) => {
      let query = trx
        .updateTable('token_families')
        .set({ revoked_at: now, revoked_reason: reason })
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null);
      if (exceptId) query = query.where('id', '!=', exceptId);
      const revoked = (await query.returning('id').execute()).map((r) => r.id);
      if (revoked.length > 0)
        await trx.deleteFrom('refresh_tokens').where('family_id', 'in', revoked).execute();
      return revoked;
    });
  }
}
