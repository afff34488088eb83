import { CompiledQuery } from 'kysely';
import type { TokenFamilyTable } from '../../storage/schema.js';

/**
 * The SQL of a refresh-token rotation, written out once instead of built with Kysely on every call: building
 * and compiling the consume (its family's fourteen columns returned as subqueries) cost ~100 µs of CPU per
 * rotation, more than SQLite spends running it (docs/performance.md). The statements are constants; only
 * their parameters change, so SQLite's prepared-statement cache and PostgreSQL's plan see the same text.
 *
 * The family check is a correlated EXISTS on the family's primary key. An `IN (SELECT id FROM
 * token_families WHERE …)` reads the same, but SQLite runs it as a list of every live first-party family of
 * every user, built on each rotation: a rotation then costs time in proportion to the number of signed-in
 * users (~0.8 µs each).
 */

/** Every column of token_families, which a rotation returns with the consumed token. */
export const FAMILY_COLUMNS = [
  'id',
  'user_id',
  'workspace_id',
  'created_at',
  'expires_at',
  'revoked_at',
  'revoked_reason',
  'user_agent',
  'ip',
  'client_id',
  'scope',
  'resource',
  'auth_time',
  'amr',
] as const satisfies ReadonlyArray<keyof TokenFamilyTable>;

// A column added to token_families must be added above, or a rotation would return the family without it.
type MissingFamilyColumn = Exclude<keyof TokenFamilyTable, (typeof FAMILY_COLUMNS)[number]>;
export const everyFamilyColumnListed: [MissingFamilyColumn] extends [never] ? true : MissingFamilyColumn =
  true;

export interface ConsumeParameters {
  tokenHash: string;
  now: number;
  /** The successor sealed for the retry window, or null when the window is off. */
  sealed: string | null;
  retryUntil: number;
  /** The OAuth client whose families this endpoint rotates; null for first-party sign-ins. */
  clientId: string | null;
}

/** SQLite has no data-modifying CTEs: a consume that returns the family, then the successor's insert. */
const sqliteConsumeSql = (clientCheck: string) =>
  [
    'UPDATE refresh_tokens SET consumed_at = ?, successor_sealed = ?, successor_until = ?',
    'WHERE token_hash = ? AND consumed_at IS NULL AND expires_at > ?',
    'AND EXISTS (SELECT 1 FROM token_families AS f WHERE f.id = refresh_tokens.family_id',
    `AND f.revoked_at IS NULL AND f.expires_at > ? AND ${clientCheck})`,
    // SQLite's RETURNING sees only the updated table: the family's columns come as subqueries on its key.
    `RETURNING ${FAMILY_COLUMNS.map(
      (column) =>
        `(SELECT f.${column} FROM token_families AS f WHERE f.id = refresh_tokens.family_id) AS ${column}`,
    ).join(', ')}`,
  ].join(' ');

const SQLITE_CONSUME_FIRST_PARTY = sqliteConsumeSql('f.client_id IS NULL');
const SQLITE_CONSUME_CLIENT = sqliteConsumeSql('f.client_id = ?');
const SQLITE_INSERT_SUCCESSOR =
  'INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at) VALUES (?, ?, ?, ?)';

export function sqliteConsume(p: ConsumeParameters): CompiledQuery {
  const parameters = [p.now, p.sealed, p.retryUntil, p.tokenHash, p.now, p.now];
  return p.clientId === null
    ? CompiledQuery.raw(SQLITE_CONSUME_FIRST_PARTY, parameters)
    : CompiledQuery.raw(SQLITE_CONSUME_CLIENT, [...parameters, p.clientId]);
}

export function sqliteInsertSuccessor(
  hash: string,
  familyId: string,
  now: number,
  expiresAt: number,
): CompiledQuery {
  // consumed_at, successor_sealed and successor_until are left NULL.
  return CompiledQuery.raw(SQLITE_INSERT_SUCCESSOR, [hash, familyId, now, expiresAt]);
}

/**
 * PostgreSQL: the whole rotation in one statement, atomic on its own, one round trip. The UPDATE … FROM
 * joins the token to its live family by primary key and returns the family's row; the successor is inserted
 * from that row (nothing is inserted when nothing was consumed). Of concurrent rotations of one token, the
 * first locks the token's row; the others wait for it, re-check the row and find it consumed.
 */
const postgresRotateSql = (clientCheck: string) =>
  [
    'WITH consumed AS (',
    'UPDATE refresh_tokens AS t SET consumed_at = $1, successor_sealed = $2, successor_until = $3',
    'FROM token_families AS f',
    'WHERE t.token_hash = $4 AND t.consumed_at IS NULL AND t.expires_at > $1',
    `AND f.id = t.family_id AND f.revoked_at IS NULL AND f.expires_at > $1 AND ${clientCheck}`,
    `RETURNING ${FAMILY_COLUMNS.map((column) => `f.${column}`).join(', ')}`,
    '), successor AS (',
    'INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at)',
    'SELECT CAST($5 AS TEXT), consumed.id, CAST($1 AS BIGINT), LEAST(CAST($6 AS BIGINT), consumed.expires_at)',
    'FROM consumed',
    ')',
    'SELECT * FROM consumed',
  ].join(' ');

const POSTGRES_ROTATE_FIRST_PARTY = postgresRotateSql('f.client_id IS NULL');
const POSTGRES_ROTATE_CLIENT = postgresRotateSql('f.client_id = $7');

export function postgresRotateQuery(
  p: ConsumeParameters,
  successor: { hash: string; idleEnd: number },
): CompiledQuery {
  const parameters = [p.now, p.sealed, p.retryUntil, p.tokenHash, successor.hash, successor.idleEnd];
  return p.clientId === null
    ? CompiledQuery.raw(POSTGRES_ROTATE_FIRST_PARTY, parameters)
    : CompiledQuery.raw(POSTGRES_ROTATE_CLIENT, [...parameters, p.clientId]);
}
