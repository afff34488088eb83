import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage, SQLITE_CACHE_KIB, type Storage } from '../src/storage/database.js';

/** storage/database.ts opens SQLite with these settings; each one is a decision its comment explains. */
describe('SQLite connection settings', () => {
  let dir: string;
  let storage: Storage;
  const pragma = async (name: string) =>
    Object.values((await sql.raw(`PRAGMA ${name}`).execute(storage.db)).rows[0] as object)[0];

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-pragmas-'));
    storage = openStorage({ kind: 'sqlite', path: join(dir, 'gatehouse.db') });
  });
  afterAll(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a 2 MiB page cache, not better-sqlite3’s built-in 16 MiB', async () => {
    expect(SQLITE_CACHE_KIB).toBe(2048);
    expect(await pragma('cache_size')).toBe(-SQLITE_CACHE_KIB);
  });

  it('writes ahead (WAL), syncs at NORMAL, enforces foreign keys and waits 5 s for a lock', async () => {
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(1);
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
  });
});
