import { type RawBuilder, sql } from 'kysely';
import { type ArgsOf, precompiled } from '../../storage/precompiled.js';
import type { TokenFamilyTable } from '../../storage/schema.js';
import type { FamilyRow } from './store.js';

/**
 * The SQL of a refresh-token rotation, written out by hand (PostgreSQL's data-modifying CTE and SQLite's
 * RETURNING of another table's columns are beyond Kysely's builders) and compiled once per dialect like
 * every hot statement (storage/precompiled.ts): building and compiling the consume (its family's fourteen
 * columns returned as subqueries) cost ~100 µs of CPU per rotation, more than SQLite spends running it
 * (docs/performance.md).
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

/** SQLite has no data-modifying CTEs: a consume that returns the family, then the successor's insert. */
const sqliteConsume = (args: ArgsOf<typeof CONSUME_SHAPE>, clientCheck: RawBuilder<boolean>) =>
  sql<FamilyRow>`UPDATE refresh_tokens SET consumed_at = ${args.now}, successor_sealed = ${args.sealed}, successor_until = ${args.retryUntil}
    WHERE token_hash = ${args.tokenHash} AND consumed_at IS NULL AND expires_at > ${args.now}
    AND EXISTS (SELECT 1 FROM token_families AS f WHERE f.id = refresh_tokens.family_id
      AND f.revoked_at IS NULL AND f.expires_at > ${args.now} AND ${clientCheck})
    RETURNING ${sql.raw(
      // SQLite's RETURNING sees only the updated table: the family's columns come as subqueries on its key.
      FAMILY_COLUMNS.map(
        (column) =>
          `(SELECT f.${column} FROM token_families AS f WHERE f.id = refresh_tokens.family_id) AS ${column}`,
      ).join(', '),
    )}`;

export const SQLITE_CONSUME_FIRST_PARTY = precompiled(CONSUME_SHAPE, (_db, args) =>
  sqliteConsume(args, firstParty),
);
export const SQLITE_CONSUME_CLIENT = precompiled({ ...CONSUME_SHAPE, clientId: 'string' }, (_db, args) =>
  sqliteConsume(args, ofClient(args.clientId)),
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
const postgresRotate = (args: ArgsOf<typeof ROTATE_SHAPE>, clientCheck: RawBuilder<boolean>) =>
  sql<FamilyRow>`WITH consumed AS (
    UPDATE refresh_tokens AS t SET consumed_at = ${args.now}, successor_sealed = ${args.sealed}, successor_until = ${args.retryUntil}
    FROM token_families AS f
    WHERE t.token_hash = ${args.tokenHash} AND t.consumed_at IS NULL AND t.expires_at > ${args.now}
    AND f.id = t.family_id AND f.revoked_at IS NULL AND f.expires_at > ${args.now} AND ${clientCheck}
    RETURNING ${sql.raw(FAMILY_COLUMNS.map((column) => `f.${column}`).join(', '))}
  ), successor AS (
    INSERT INTO refresh_tokens (token_hash, family_id, created_at, expires_at)
    SELECT CAST(${args.successorHash} AS TEXT), consumed.id, CAST(${args.now} AS BIGINT), LEAST(CAST(${args.idleEnd} AS BIGINT), consumed.expires_at)
    FROM consumed
  )
  SELECT * FROM consumed`;

export const POSTGRES_ROTATE_FIRST_PARTY = precompiled(ROTATE_SHAPE, (_db, args) =>
  postgresRotate(args, firstParty),
);
export const POSTGRES_ROTATE_CLIENT = precompiled({ ...ROTATE_SHAPE, clientId: 'string' }, (_db, args) =>
  postgresRotate(args, ofClient(args.clientId)),
);
