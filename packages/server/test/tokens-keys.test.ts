import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { listKeysCommand, rotateKeysCommand } from '../src/cli/keys.js';
import { loadConfig } from '../src/config/load.js';
import { noMetrics } from '../src/features/metrics/recorder.js';
import { SigningKeyRing } from '../src/features/signing-keys/key-ring.js';
import { SecretBox } from '../src/lib/master-key.js';
import { PasswordHasher } from '../src/lib/passwords.js';
import { openStorage } from '../src/storage/database.js';
import { createInvalidationBus } from '../src/storage/invalidation.js';
import { migrateToLatest } from '../src/storage/migrate.js';
import { freshDatabase } from './support/databases.js';
import { request } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';
import {
  claimsOf,
  isInvalidTokenResponse,
  me,
  signInWithTokens,
  testClock,
} from './support/token-session.js';

type Jwks = { keys: Array<Record<string, string>> };

const jwks = async (server: TestServer) => (await request<Jwks>(server.url, '/oauth2/jwks')).body.keys;
const kids = async (server: TestServer) => (await jwks(server)).map((k) => k['kid']).sort();

/** Polls until `check` holds (a NOTIFY between instances is asynchronous). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.each(testDatabases)('signing keys on %s', (database) => {
  describe('one instance', () => {
    let server: TestServer;
    const clock = testClock();
    beforeAll(async () => {
      server = await startTestServer({ database, now: clock.now });
    });
    afterAll(() => server.close());

    it('publishes the active key in the JWKS with public members only', async () => {
      const res = await request<Jwks>(server.url, '/oauth2/jwks');
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
      expect(res.body.keys).toHaveLength(1);
      const [key] = res.body.keys;
      expect(Object.keys(key!).sort()).toEqual(['alg', 'crv', 'kid', 'kty', 'use', 'x']);
      expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    });

    it('keeps old tokens valid through the rotation grace, lists both keys, then drops the old key', async () => {
      const user = await server.createUser();
      const before = await signInWithTokens(server.url, user.email, user.password);
      const oldKid = claimsOf(before.token).header.kid!;

      const output: string[] = [];
      await rotateKeysCommand(server.config, (line) => output.push(line));
      expect(output[0]).toMatch(/^new EdDSA signing key \S+$/);
      expect(output[1]).toContain(`retired ${oldKid}: still verifies until`);

      // PostgreSQL hears the rotation by NOTIFY; on SQLite the server re-reads its keys within a minute.
      clock.advance(61);
      await eventually(async () => (await kids(server)).length === 2);
      expect(await kids(server)).toContain(oldKid);
      expect((await me(server.url, before.token)).status).toBe(200);

      const after = await signInWithTokens(server.url, user.email, user.password);
      const newKid = claimsOf(after.token).header.kid!;
      expect(newKid).not.toBe(oldKid);
      expect((await me(server.url, after.token)).status).toBe(200);

      const listed: string[] = [];
      await listKeysCommand(server.config, (line) => listed.push(line));
      expect(listed.find((l) => l.startsWith(newKid))).toContain('active');
      expect(listed.find((l) => l.startsWith(oldKid))).toContain('retired');

      clock.advance(server.config.tokens.keyRotationGrace);
      expect(await kids(server)).toEqual([newKid]);
      expect(isInvalidTokenResponse(await me(server.url, before.token))).toBe(true);
      const fresh = await signInWithTokens(server.url, user.email, user.password);
      expect(claimsOf(fresh.token).header.kid).toBe(newKid);
      expect((await me(server.url, fresh.token)).status).toBe(200);
    });
  });

  describe('several instances on one database', () => {
    const masterKey = randomBytes(32).toString('base64url');
    let url: string;
    let drop: () => Promise<void>;
    const started: TestServer[] = [];
    const start = async () => {
      const server = await startTestServer({
        database,
        databaseUrl: url,
        env: { GATEHOUSE_MASTER_KEY: masterKey },
      });
      started.push(server);
      return server;
    };

    beforeAll(async () => {
      ({ url, drop } = await freshDatabase(database));
      // Kysely's migrator has no cross-connection lock on SQLite (a single-instance database), so there the
      // schema is created first and only the key creation races; PostgreSQL starts both from nothing.
      if (database === 'sqlite') {
        const storage = openStorage({ kind: 'sqlite', path: url });
        await migrateToLatest(storage);
        await storage.close();
      }
    });
    afterAll(async () => {
      for (const server of started) await server.close();
      await drop();
    });

    it('ends up with one signing key when two instances start at once on an empty database', async () => {
      const [a, b] = await Promise.all([start(), start()]);
      const keysA = await kids(a!);
      expect(keysA).toHaveLength(1);
      expect(await kids(b!)).toEqual(keysA);
    });

    it('creates exactly one active key when many instances ask for the first key at once', async () => {
      const fresh = await freshDatabase(database);
      const config = loadConfig({
        GATEHOUSE_DATABASE_URL: fresh.url,
        GATEHOUSE_MASTER_KEY: masterKey,
        GATEHOUSE_LOG_LEVEL: 'silent',
      });
      const storages = Array.from({ length: 8 }, () => openStorage(config.database));
      const buses = storages.map((storage) => createInvalidationBus(storage));
      try {
        await migrateToLatest(storages[0]!);
        const rings = storages.map(
          (storage, i) =>
            new SigningKeyRing({
              config,
              storage,
              bus: buses[i]!,
              log: pino({ enabled: false }),
              hasher: new PasswordHasher(config.argon2),
              secrets: new SecretBox(Buffer.from(masterKey, 'base64url')),
              metrics: noMetrics,
              now: Date.now,
            }),
        );
        const keys = await Promise.all(rings.map((ring) => ring.signingKey('EdDSA')));
        expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
        const rows = await storages[0]!.db.selectFrom('signing_keys').select('kid').execute();
        expect(rows).toHaveLength(1);
      } finally {
        for (const bus of buses) await bus.close();
        for (const storage of storages) await storage.close();
        await fresh.drop();
      }
    });

    it('verifies on one instance a token signed with a key rotated on another', async () => {
      const [a, b] = started;
      await a!.app.gatehouse.signingKeys.rotate();
      const user = await a!.createUser();
      const pair = await signInWithTokens(a!.url, user.email, user.password);
      const me1 = await me(b!.url, pair.token);
      expect(me1.status).toBe(200);
      expect(await kids(b!)).toEqual(await kids(a!));
      expect(await kids(b!)).toContain(claimsOf(pair.token).header.kid);
    });

    it('refuses to start with a master key other than the one that sealed the signing keys', async () => {
      const other = loadConfig({
        GATEHOUSE_DATABASE_URL: url,
        GATEHOUSE_MASTER_KEY: randomBytes(32).toString('base64url'),
        GATEHOUSE_LOG_LEVEL: 'silent',
      });
      await expect(buildApp(other, { logger: false })).rejects.toThrow(/GATEHOUSE_MASTER_KEY/);
      // `keys list` only reads: it lists the keys whatever master key the shell holds.
      const lines: string[] = [];
      await listKeysCommand(other, (line) => void lines.push(line));
      expect(lines.some((line) => /EdDSA\s+active/.test(line))).toBe(true);
    });
  });
});
