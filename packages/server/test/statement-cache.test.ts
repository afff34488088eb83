import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withStatementCache } from '../src/storage/statement-cache.js';

interface Tables {
  items: { id: number; name: string };
}

/** SQLite only: the cache wraps the better-sqlite3 handle that Kysely's SQLite dialect uses. */
describe('SQLite prepared-statement cache', () => {
  let sqlite: SQLite.Database;
  let prepared: string[];
  let db: Kysely<Tables>;

  beforeEach(async () => {
    sqlite = new SQLite(':memory:');
    prepared = [];
    const prepare = sqlite.prepare.bind(sqlite);
    // Counts what reaches SQLite's parser; the database itself is real.
    sqlite.prepare = ((text: string) => {
      prepared.push(text);
      return prepare(text);
    }) as typeof sqlite.prepare;
    db = new Kysely<Tables>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    await db.schema
      .createTable('items')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .execute();
  });
  afterEach(async () => {
    await db.destroy();
  });

  const byId = (id: number) => db.selectFrom('items').selectAll().where('id', '=', id).executeTakeFirst();

  it('prepares a query once and binds fresh parameters on every run', async () => {
    await db.insertInto('items').values({ id: 1, name: 'one' }).execute();
    await db.insertInto('items').values({ id: 2, name: 'two' }).execute();
    expect(await byId(1)).toEqual({ id: 1, name: 'one' });
    expect(await byId(2)).toEqual({ id: 2, name: 'two' });
    expect(await byId(3)).toBeUndefined();
    const selects = prepared.filter((text) => text.startsWith('select'));
    expect(selects).toHaveLength(1);
    expect(prepared.filter((text) => text.startsWith('insert'))).toHaveLength(1);
  });

  it('runs a statement again after it failed on a constraint', async () => {
    await db.insertInto('items').values({ id: 1, name: 'same' }).execute();
    await expect(db.insertInto('items').values({ id: 2, name: 'same' }).execute()).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT_UNIQUE',
    });
    await db.insertInto('items').values({ id: 2, name: 'other' }).execute();
    expect(await byId(2)).toEqual({ id: 2, name: 'other' });
  });

  it('sees a column added after the statement was prepared', async () => {
    await db.insertInto('items').values({ id: 1, name: 'one' }).execute();
    expect(await byId(1)).toEqual({ id: 1, name: 'one' });
    await sql`alter table items add column colour text not null default 'blue'`.execute(db);
    expect(await byId(1)).toEqual({ id: 1, name: 'one', colour: 'blue' });
  });

  it('keeps transactions atomic', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('items').values({ id: 1, name: 'kept?' }).execute();
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await byId(1)).toBeUndefined();
  });

  it('keeps at most 500 statements, dropping the least recently used', async () => {
    const first = (n: number) => sql`select ${sql.lit(n)} as n`.execute(db);
    await first(0);
    for (let n = 1; n <= 500; n += 1) await first(n);
    const before = prepared.length;
    await first(0);
    // Statement 0 was the least recently used when the 501st arrived, so it had to be prepared again.
    expect(prepared.length).toBe(before + 1);
    await first(500);
    expect(prepared.length).toBe(before + 1);
  });
});
