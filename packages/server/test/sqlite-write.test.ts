import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../src/storage/schema.js';
import { type SqliteWrite, sqliteWriteSection } from '../src/storage/sqlite-write.js';
import { withStatementCache } from '../src/storage/statement-cache.js';

interface Tables {
  items: { id: number; name: string };
}

const insert = (id: number, name: string) =>
  CompiledQuery.raw('INSERT INTO items (id, name) VALUES (?, ?)', [id, name]);

/** SQLite only: the synchronous write section the refresh rotation uses (storage/sqlite-write.ts). */
describe('SQLite write section', () => {
  let sqlite: SQLite.Database;
  let db: Kysely<Tables>;
  let write: SqliteWrite;

  beforeEach(async () => {
    sqlite = new SQLite(':memory:');
    const statements = withStatementCache(sqlite);
    db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: statements }) });
    write = sqliteWriteSection(db as unknown as Kysely<Database>, sqlite, statements);
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
      statements.run(insert(1, 'one'));
      return statements.all<{ name: string }>(
        CompiledQuery.raw('UPDATE items SET name = ? WHERE id = ? RETURNING name', ['uno', 1]),
      );
    });
    expect(returned).toEqual([{ name: 'uno' }]);
    expect(await names()).toEqual(['uno']);
    expect(sqlite.inTransaction).toBe(false);
  });

  it('rolls everything back when the work throws, and the connection stays usable', async () => {
    await expect(
      write((statements) => {
        statements.run(insert(1, 'one'));
        statements.run(insert(2, 'one')); // UNIQUE constraint
      }),
    ).rejects.toThrow(/UNIQUE/);
    expect(sqlite.inTransaction).toBe(false);
    expect(await names()).toEqual([]);
    await write((statements) => statements.run(insert(3, 'three')));
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
      statements.run(insert(2, 'kept'));
      return 'done';
    });
    expect(await transaction).toBeInstanceOf(Error);
    expect(await section).toBe('done');
    expect(await names()).toEqual(['kept']);
  });
});
