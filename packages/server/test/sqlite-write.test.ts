import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { precompiled } from '../src/storage/precompiled.js';
import type { Database } from '../src/storage/schema.js';
import {
  CountingSqliteDialect,
  KyselyInsideSqliteWrite,
  type SqliteWrite,
  sqliteWriteSection,
} from '../src/storage/sqlite-write.js';
import { withStatementCache } from '../src/storage/statement-cache.js';

interface Tables {
  items: { id: number; name: string };
}

const INSERT = precompiled(
  { id: 'number', name: 'string' },
  (_db, { id, name }) => sql`INSERT INTO items (id, name) VALUES (${id}, ${name})`,
);
const RENAME = precompiled(
  { id: 'number', name: 'string' },
  (_db, { id, name }) =>
    sql<{ name: string }>`UPDATE items SET name = ${name} WHERE id = ${id} RETURNING name`,
);

/**
 * SQLite only: the synchronous write section the refresh rotation uses (storage/sqlite-write.ts), both as the
 * server sets it up (it runs at once while Kysely's connection is idle) and always queueing for the connection.
 */
describe.each([
  ['at once while the connection is idle', true],
  ['always through the connection', false],
])('SQLite write section, %s', (_how, counting) => {
  let sqlite: SQLite.Database;
  let db: Kysely<Tables>;
  let write: SqliteWrite;

  beforeEach(async () => {
    sqlite = new SQLite(':memory:');
    const statements = withStatementCache(sqlite);
    const dialect = counting
      ? new CountingSqliteDialect({ database: statements })
      : new SqliteDialect({ database: statements });
    db = new Kysely<Tables>({ dialect });
    write = sqliteWriteSection(
      db as unknown as Kysely<Database>,
      sqlite,
      statements,
      dialect instanceof CountingSqliteDialect ? () => dialect.idle : undefined,
    );
    await db.schema
      .createTable('items')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .execute();
  });
  afterEach(async () => {
    await db.destroy();
  });

  const names = async () =>
    (await db.selectFrom('items').select('name').orderBy('id').execute()).map((row) => row.name);

  it('commits its statements together and returns what the work returns', async () => {
    const returned = await write((statements) => {
      statements.run(INSERT, { id: 1, name: 'one' });
      return statements.all(RENAME, { id: 1, name: 'uno' });
    });
    expect(returned).toEqual([{ name: 'uno' }]);
    expect(await names()).toEqual(['uno']);
    expect(sqlite.inTransaction).toBe(false);
  });

  it('rolls everything back when the work throws, and the connection stays usable', async () => {
    await expect(
      write((statements) => {
        statements.run(INSERT, { id: 1, name: 'one' });
        statements.run(INSERT, { id: 2, name: 'one' }); // UNIQUE constraint
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(sqlite.inTransaction).toBe(false);
    expect(await names()).toEqual([]);
    await write((statements) => statements.run(INSERT, { id: 3, name: 'three' }));
    expect(await names()).toEqual(['three']);
  });

  it('waits for a Kysely transaction in progress and is not rolled back with it', async () => {
    let started!: () => void;
    const inside = new Promise<void>((resolve) => {
      started = resolve;
    });
    const transaction = db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('items').values({ id: 1, name: 'doomed' }).execute();
        started();
        // Give the section below every chance to run inside this transaction: it must wait instead.
        await new Promise((resolve) => setTimeout(resolve, 50));
        throw new Error('abort');
      })
      .catch((error: unknown) => error);
    await inside;
    const section = write((statements) => {
      statements.run(INSERT, { id: 2, name: 'kept' });
      return 'done';
    });
    expect(await transaction).toBeInstanceOf(Error);
    expect(await section).toBe('done');
    expect(await names()).toEqual(['kept']);
  });

  it('fails, rolled back, when its work starts a Kysely query, and that query never runs', async () => {
    let stray: Promise<unknown> | undefined;
    await expect(
      write((statements) => {
        statements.run(INSERT, { id: 1, name: 'one' });
        // The mistake the section must catch: a query that would run after it, outside its transaction.
        stray = db.insertInto('items').values({ id: 2, name: 'two' }).execute();
        return 'done';
      }),
    ).rejects.toBeInstanceOf(KyselyInsideSqliteWrite);
    await expect(stray).rejects.toBeInstanceOf(KyselyInsideSqliteWrite);
    expect(sqlite.inTransaction).toBe(false);
    expect(await names()).toEqual([]);
    // A transaction started inside is refused the same way; afterwards everything works again.
    await expect(
      write(() => {
        stray = db.transaction().execute(async (trx) => trx.deleteFrom('items').execute());
      }),
    ).rejects.toBeInstanceOf(KyselyInsideSqliteWrite);
    await expect(stray).rejects.toBeInstanceOf(KyselyInsideSqliteWrite);
    await write((statements) => statements.run(INSERT, { id: 3, name: 'three' }));
    expect(await names()).toEqual(['three']);
  });

  it('runs its work before the call returns only when nothing holds or awaits the connection', async () => {
    let ran = false;
    const section = write((statements) => {
      statements.run(INSERT, { id: 1, name: 'one' });
      ran = true;
    });
    expect(ran).toBe(counting);
    await section;
    // A query queued (not yet run) holds the connection as far as the section is concerned: it waits.
    const query = db.selectFrom('items').select('name').execute();
    ran = false;
    const after = write((statements) => {
      statements.run(INSERT, { id: 2, name: 'two' });
      ran = true;
    });
    expect(ran).toBe(false);
    expect((await query).map((row) => row.name)).toEqual(['one']);
    await after;
    expect(await names()).toEqual(['one', 'two']);
  });

  it('lets exactly one of many racing sections consume a row, with Kysely queries in between', async () => {
    await write((statements) => statements.run(INSERT, { id: 1, name: 'token' }));
    const CONSUME = precompiled(
      { id: 'number' },
      (_db, { id }) => sql`UPDATE items SET name = 'consumed' WHERE id = ${id} AND name = 'token'`,
    );
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 3 === 0
          ? db
              .selectFrom('items')
              .select('name')
              .execute()
              .then(() => 'read')
          : write((statements) => statements.changes(CONSUME, { id: 1 })),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === 1)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 0)).toHaveLength(12);
    expect(await names()).toEqual(['consumed']);
  });
});
