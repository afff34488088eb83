import { type RawBuilder, sql } from 'kysely';
import { type ArgsOf, precompiled } from '../../storage/precompiled.js';
import type { TokenFamilyTable } from '../../storage/schema.js';
import type { FamilyRow } from './store.js';

/**
 * The SQL of a refresh-token rotation, written out by hand (PostgreSQL's data-modifying CTE is beyond
 * Kysely's builders) and compiled once per dialect like every hot statement (storage/precompiled.ts):
 * building and compiling the consume cost ~100 µs of CPU per rotation, more than SQLite spends running it
 * (docs/performance.md).
 *
 * The family is reached by its primary key from the token's row (a join, or UPDATE … FROM on PostgreSQL).
 * An `IN (SELECT id FROM token_families WHERE …)` reads the same, but SQLite runs it as a list of every live
 * first-party family of every user, built on each rotation: a rotation then costs time in proportion to the
 * number of signed-in users (~0.8 µs each).
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

/**
 * What a first-party rotation (/api/token/refresh) needs of its family: whose it is, its workspace, and its
 * end (the successor's idle end is capped by it). An OAuth client's rotation returns every column (its
 * grant's scope, resources, auth_time and amr). Each column returned costs on every rotation: pg parses the
 * row description (sent for every execution) and builds a parser per column, better-sqlite3 creates a
 * property per column; fourteen columns were ~4% of a PostgreSQL rotation's CPU (docs/performance.md).
 */
export const ROTATED_COLUMNS = ['id', 'user_id', 'workspace_id', 'expires_at'] as const;
export type RotatedFamily = Pick<FamilyRow, (typeof ROTATED_COLUMNS)[number]>;
const columnsOf = (columns: ReadonlyArray<keyof TokenFamilyTable>) =>
  sql.raw(columns.map((column) => `f.${column}`).join(', '));

const CONSUME_SHAPE = {
  tokenHash: 'string',
  now: 'number',
  /** The successor sealed for the retry window, or null when the window is off. */
  sealed: 'string | null',
  retryUntil: 'number',
} as const;

/** The OAuth client whose families an endpoint rotates: none (first-party sign-ins) or one. */
const firstParty = sql<boolean>`f.client_id IS NULL`;
const ofClient = (clientId: string) => sql<boolean>`f.client_id = ${clientId}`;

/**
 * SQLite has no data-modifying CTEs. Inside the rotation's write section (BEGIN IMMEDIATE: no other writer,
 * on this connection or another, until COMMIT) it reads the live token's family, then consumes the token
 * with a conditional UPDATE, then inserts the successor. No `UPDATE … RETURNING`: SQLite collects RETURNING
 * rows in an ephemeral table it creates and drops on every run (a b-tree, a page cache and its hash table),
 * and the family's columns came back as fourteen correlated subqueries; the plain join and update cost about
 * half as much (docs/performance.md).
 */
const LIVE_FAMILY_SHAPE = { tokenHash: 'string', now: 'number' } as const;
const sqliteLiveFamily = <Row>(
  args: ArgsOf<typeof LIVE_FAMILY_SHAPE>,
  clientCheck: RawBuilder<boolean>,
  columns: ReadonlyArray<keyof TokenFamilyTable>,
) =>
  sql<Row>`SELECT ${columnsOf(columns)}
    FROM refresh_tokens AS t JOIN token_families AS f ON f.id = t.family_id
    WHERE t.token_hash = ${args.tokenHash} AND t.consumed_at IS NULL AND t.expires_at > ${args.now}
    AND f.revoked_at IS NULL AND f.expires_at > ${args.now} AND ${clientCheck}`;

/** The family of a live, unused refresh token of a first-party sign-in (what the rotation needs); nothing otherwise. */
export const SQLITE_LIVE_FAMILY_FIRST_PARTY = precompiled(LIVE_FAMILY_SHAPE, (_db, args) =>
  sqliteLiveFamily<RotatedFamily>(args, firstParty, ROTATED_COLUMNS),
);
/** The family of a live, unused refresh token issued to one OAuth client; nothing otherwise. */
export const SQLITE_LIVE_FAMILY_CLIENT = precompiled(
  { ...LIVE_FAMILY_SHAPE, clientId: 'string' },
  (_db, args) => sqliteLiveFamily<FamilyRow>(args, ofClient(args.clientId), FAMILY_COLUMNS),
);

/**
 * Consumes the token: changes one row, or none when it is no longer unused and unexpired. Within the write
 * section the read above has already decided; the condition is kept so the UPDATE alone never consumes a
 * token twice.
 */
export const SQLITE_CONSUME = precompiled(
  CONSUME_SHAPE,
  (_db, args) =>
    sql`UPDATE refresh_tokens SET consumed_at = ${args.now}, successor_sealed = ${args.sealed}, successor_until = ${args.retryUntil}
    WHERE token_hash = ${args.tokenHash} AND consumed_at IS NULL AND expires_at > ${args.now}`,
);

/** The successor; consumed_at, successor_sealed and successor_until are left NULL. */
export const SQLITE_INSERT_SUCCESSOR = precompiled(
  { hash: 'string', familyId: 'string', now: 'number', expiresAt: 'number' },
  (_db, { hash, familyId, now, expiresAt }) =>
    sql`INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at) VALUES (${hash}, ${familyId}, ${now}, ${expiresAt})`,
);

/**
 * PostgreSQL: the whole rotation in one statement, atomic on its own, one round trip. The UPDATE … FROM
 * joins the token to its live family by primary key and returns the family's row; the successor is inserted
 * from that row (nothing is inserted when nothing was consumed). Of concurrent rotations of one token, the
 * first locks the token's row; the others wait for it, re-check the row and find it consumed.
 */
const ROTATE_SHAPE = { ...CONSUME_SHAPE, successorHash: 'string', idleEnd: 'number' } as const;
const postgresRotate = <Row>(
  args: ArgsOf<typeof ROTATE_SHAPE>,
  clientCheck: RawBuilder<boolean>,
  columns: ReadonlyArray<keyof TokenFamilyTable>,
) =>
  sql<Row>`WITH consumed AS (
    UPDATE refresh_tokens AS t SET consumed_at = ${args.now}, successor_sealed = ${args.sealed}, successor_until = ${args.retryUntil}
    FROM token_families AS f
    WHERE t.token_hash = ${args.tokenHash} AND t.consumed_at IS NULL AND t.expires_at > ${args.now}
    AND f.id = t.family_id AND f.revoked_at IS NULL AND f.expires_at > ${args.now} AND ${clientCheck}
    RETURNING ${columnsOf(columns)}
  ), successor AS (
    INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at)
    SELECT CAST(${args.successorHash} AS TEXT), consumed.id, CAST(${args.now} AS BIGINT), LEAST(CAST(${args.idleEnd} AS BIGINT), consumed.expires_at)
    FROM consumed
  )
  SELECT * FROM consumed`;

// Prepared once per connection: PostgreSQL spent more CPU parsing and planning this CTE on every run than
// executing it (~500 → ~290 µs of its CPU per rotation, docs/performance.md). Its plan is by keys only.
export const POSTGRES_ROTATE_FIRST_PARTY = precompiled(
  ROTATE_SHAPE,
  (_db, args) => postgresRotate<RotatedFamily>(args, firstParty, ROTATED_COLUMNS),
  { prepareOnPostgres: true },
);
export const POSTGRES_ROTATE_CLIENT = precompiled(
  { ...ROTATE_SHAPE, clientId: 'string' },
  (_db, args) => postgresRotate<FamilyRow>(args, ofClient(args.clientId), FAMILY_COLUMNS),
  { prepareOnPostgres: true },
);
