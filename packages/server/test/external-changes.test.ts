import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userAdminCommand } from '../src/cli/user-admin.js';
import { externalChangeSignal } from '../src/storage/external-changes.js';
import { request, signInWithCookie } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * storage/external-changes.ts: SQLite's signal for commits made by another process (the shell). It looks at
 * `PRAGMA data_version` once per event-loop turn; these tests hold it to that, on a real file with two
 * connections, and then hold the server to its promise under load.
 */
describe('external change signal (SQLite)', () => {
  let dir: string;
  let server: SQLite.Database;
  let shell: SQLite.Database;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-external-'));
    server = new SQLite(join(dir, 'db.sqlite'));
    server.pragma('journal_mode = WAL');
    server.exec('create table t (x integer)');
    shell = new SQLite(join(dir, 'db.sqlite'));
  });
  afterAll(() => {
    server.close();
    shell.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The server connection's signal, counting its looks at `data_version` and the times it told a subscriber. */
  const countingSignal = () => {
    const version = server.prepare('PRAGMA data_version').pluck();
    const counts = { looks: 0, told: 0 };
    const signal = externalChangeSignal(() => {
      counts.looks += 1;
      return version.get() as number;
    });
    signal.subscribe(() => {
      counts.told += 1;
    });
    return { signal, counts };
  };

  it('tells its subscribers about another connection’s commit, never about its own', async () => {
    const { signal, counts } = countingSignal();
    await nextTurn();
    server.exec('insert into t values (1)');
    signal.check();
    expect(counts.told).toBe(0);
    await nextTurn();
    shell.exec('insert into t values (2)');
    signal.check();
    expect(counts.told).toBe(1);
    await nextTurn();
    signal.check();
    expect(counts.told).toBe(1);
  });

  it('looks once per turn: requests read in the same turn share one look', async () => {
    const { signal, counts } = countingSignal();
    await nextTurn();
    counts.looks = 0;
    for (let i = 0; i < 8; i += 1) signal.check();
    expect(counts.looks).toBe(1);
    // A commit after this turn's look is seen by the first look of the next turn.
    shell.exec('insert into t values (3)');
    signal.check();
    expect(counts.told).toBe(0);
    await nextTurn();
    signal.check();
    expect(counts.looks).toBe(2);
    expect(counts.told).toBe(1);
  });
});

describe('a change from the shell under load (SQLite)', () => {
  let app: TestServer;
  beforeAll(async () => {
    app = await startTestServer({ database: 'sqlite' });
  });
  afterAll(() => app.close());

  it('refuses every request sent after the command returned, while others are in flight', async () => {
    const user = await app.createUser();
    const cookie = await signInWithCookie(app.url, user.email, user.password);
    let commandStartedAt = Number.POSITIVE_INFINITY;
    let disabledAt = Number.POSITIVE_INFINITY;
    const before: number[] = [];
    const after: number[] = [];
    // Ten clients ask /api/me back to back, so the server reads several requests per turn, as in production.
    const client = async () => {
      while (after.length < 200) {
        const sentAt = performance.now();
        const { status } = await request(app.url, '/api/me', { cookie });
        if (sentAt > disabledAt) after.push(status);
        else if (performance.now() < commandStartedAt) before.push(status);
      }
    };
    const clients = Array.from({ length: 10 }, client);
    await new Promise((resolve) => setTimeout(resolve, 200));
    commandStartedAt = performance.now();
    await userAdminCommand(app.config, 'disable', user.email, {}, () => undefined);
    disabledAt = performance.now();
    await Promise.all(clients);
    expect(before.length).toBeGreaterThan(10);
    expect(new Set(before)).toEqual(new Set([200]));
    expect(after.length).toBeGreaterThanOrEqual(200);
    expect(new Set(after)).toEqual(new Set([401]));
  });
});
