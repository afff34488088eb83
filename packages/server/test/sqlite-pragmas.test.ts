import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  openStorage,
  SQLITE_CACHE_KIB,
  SQLITE_WAL_AUTOCHECKPOINT_PAGES,
  type Storage,
} from '../src/storage/database.js';

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

  it('checkpoints every 4,000 WAL pages, and the WAL file stays within that bound however much is written', async () => {
    expect(SQLITE_WAL_AUTOCHECKPOINT_PAGES).toBe(4000);
    expect(await pragma('wal_autocheckpoint')).toBe(SQLITE_WAL_AUTOCHECKPOINT_PAGES);
    const pageSize = Number(await pragma('page_size'));
    // A WAL frame is its page plus a 24-byte header; the file has a 32-byte header. One commit past the
    // threshold may add its own pages before the checkpoint it triggers.
    const bound = 32 + (SQLITE_WAL_AUTOCHECKPOINT_PAGES + 16) * (pageSize + 24);
    await sql`CREATE TABLE wal_bound (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`.execute(storage.db);
    const filler = 'x'.repeat(1_000);
    let largest = 0;
    // Each commit writes at least one page: 14,000 commits are more than three times the threshold.
    for (let i = 0; i < 14_000; i += 1) {
      await sql`INSERT INTO wal_bound (body) VALUES (${filler})`.execute(storage.db);
      if (i % 250 === 0) largest = Math.max(largest, statSync(join(dir, 'gatehouse.db-wal')).size);
    }
    largest = Math.max(largest, statSync(join(dir, 'gatehouse.db-wal')).size);
    expect(largest).toBeGreaterThan((SQLITE_WAL_AUTOCHECKPOINT_PAGES / 2) * pageSize);
    expect(largest).toBeLessThanOrEqual(bound);
  });
});
