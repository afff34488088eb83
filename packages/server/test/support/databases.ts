import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type TestDatabase = 'sqlite' | 'postgres';

/** The PostgreSQL server tests use; each test server gets its own schema in it. */
export const POSTGRES_URL =
  process.env['GATEHOUSE_TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Both databases when PostgreSQL answers. In CI (CI=true) an unreachable PostgreSQL is an error, never a
 * silent skip; on a laptop without it, only SQLite runs and a warning says so.
 */
async function detect(): Promise<TestDatabase[]> {
  if (await postgresAnswers()) return ['sqlite', 'postgres'];
  if (process.env['CI'] === 'true')
    throw new Error(`PostgreSQL is required in CI but does not answer at ${POSTGRES_URL}`);
  process.stderr.write(
    `warning: PostgreSQL does not answer at ${POSTGRES_URL}; running SQLite suites only\n`,
  );
  return ['sqlite'];
}

export const testDatabases: TestDatabase[] = await detect();

export interface FreshDatabase {
  /** A GATEHOUSE_DATABASE_URL value. */
  url: string;
  /** Drops what was created (the PostgreSQL schema; SQLite files stay in the OS temp dir). */
  drop(): Promise<void>;
}

/** A brand-new empty database: a SQLite file in a temp dir, or a PostgreSQL schema of its own. */
export async function freshDatabase(kind: TestDatabase, via: string = POSTGRES_URL): Promise<FreshDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-test-'));
    return { url: join(dir, 'gatehouse.db'), drop: async () => {} };
  }
  const schema = `gh_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(via);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}
