import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateKeysCommand } from '../src/cli/keys.js';
import { loadConfig } from '../src/config/load.js';
import { loadMasterKey } from '../src/lib/master-key.js';
import { startTestServer, type TestServer } from './support/server.js';
import { claimsOf, me, signInWithTokens } from './support/token-session.js';

const mode = (path: string) => statSync(path).mode & 0o777;

/** A single SQLite server, as `npm start` runs it: its files, and the CLI working on them beside it. */
describe('a SQLite deployment', () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'gatehouse-perms-')), 'data', 'nested');
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ databaseUrl: join(dataDir, 'gatehouse.db') });
  });
  afterAll(() => server.close());

  it('creates the database and key files 0600 and the data folder 0700', async () => {
    // Writes go through the WAL; make sure SQLite has created its side files.
    await server.createUser();
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'gatehouse.db'))).toBe(0o600);
    for (const side of ['-wal', '-shm']) {
      const file = join(dataDir, `gatehouse.db${side}`);
      if (existsSync(file)) expect(mode(file), side).toBe(0o600);
    }
    const keyDir = join(mkdtempSync(join(tmpdir(), 'gatehouse-key-')), 'data');
    loadMasterKey(loadConfig({ GATEHOUSE_DATABASE_URL: join(keyDir, 'gatehouse.db') }));
    expect(mode(keyDir)).toBe(0o700);
    expect(mode(join(keyDir, 'master.key'))).toBe(0o600);
  });

  // Issue 9 (security leftovers): not only new files; a database an older version left 0644 is tightened.
  it('gives existing database and key files mode 0600 at start', async () => {
    const files = ['gatehouse.db', 'gatehouse.db-wal', 'gatehouse.db-shm']
      .map((name) => join(dataDir, name))
      .filter((file) => existsSync(file));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) chmodSync(file, 0o644);
    server = await server.restart();
    for (const file of files) if (existsSync(file)) expect(mode(file), file).toBe(0o600);

    const keyConfig = loadConfig({
      GATEHOUSE_DATABASE_URL: join(mkdtempSync(join(tmpdir(), 'gatehouse-key-')), 'gatehouse.db'),
    });
    const key = loadMasterKey(keyConfig);
    chmodSync(join(keyConfig.dataDir, 'master.key'), 0o644);
    expect(loadMasterKey(keyConfig).equals(key)).toBe(true);
    expect(mode(join(keyConfig.dataDir, 'master.key'))).toBe(0o600);
  });

  it('signs with the new key as soon as `gatehouse keys rotate` has run in another process', async () => {
    const user = await server.createUser({ password: `pw-${randomBytes(8).toString('hex')}` });
    const before = await signInWithTokens(server.url, user.email, user.password);
    const output: string[] = [];
    // The CLI builds its own app on the same file, as a separate process would: no bus reaches the server.
    await rotateKeysCommand(server.config, (line) => output.push(line));
    const newKid = /^new EdDSA signing key (\S+)$/.exec(output[0] ?? '')?.[1];
    expect(newKid).toBeDefined();

    const after = await signInWithTokens(server.url, user.email, user.password);
    expect(claimsOf(after.token).header.kid).toBe(newKid);
    expect((await me(server.url, after.token)).status).toBe(200);
    // The retired key keeps verifying during its grace.
    expect((await me(server.url, before.token)).status).toBe(200);
  });
});
