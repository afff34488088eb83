/**
 * The better-auth peer, as its own process: the documented minimal server (node:http + toNodeHandler) on
 * better-sqlite3 with email + password and the API-key plugin, rate limits off so that they do not turn
 * the load into 429s. Seeded like Gatehouse: the same accounts and password, one precomputed hash (its
 * default scrypt), inserted directly. SQLite gets WAL like Gatehouse's, so the storage setup is alike.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiKey } from '@better-auth/api-key';
import { betterAuth } from 'better-auth';
import { hashPassword } from 'better-auth/crypto';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import Database from 'better-sqlite3';
import { announce, onShutdown, SEED_PASSWORD, seedEmail } from './common.mjs';

const users = Number(process.env.BENCH_USERS ?? 10_000);
const dir = mkdtempSync(join(tmpdir(), 'better-auth-bench-'));
const sqlite = new Database(join(dir, 'better-auth.db'));
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = NORMAL');

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
onShutdown(() => {
  server.close();
  sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = betterAuth({
  database: sqlite,
  baseURL: `http://127.0.0.1:${server.address().port}`,
  secret: randomBytes(32).toString('base64url'),
  emailAndPassword: { enabled: true },
  rateLimit: { enabled: false },
  telemetry: { enabled: false },
  plugins: [apiKey({ enableSessionForAPIKeys: true, rateLimit: { enabled: false } })],
});
const { runMigrations } = await getMigrations(auth.options);
await runMigrations();

const hash = await hashPassword(SEED_PASSWORD);
const created = new Date().toISOString();
const userIds = [];
const insertUser = sqlite.prepare(
  'INSERT INTO user (id, name, email, emailVerified, image, createdAt, updatedAt) VALUES (?, ?, ?, 0, NULL, ?, ?)',
);
const insertAccount = sqlite.prepare(
  `INSERT INTO account (id, accountId, providerId, userId, password, createdAt, updatedAt)
   VALUES (?, ?, 'credential', ?, ?, ?, ?)`,
);
sqlite.transaction(() => {
  for (let i = 0; i < users; i += 1) {
    const id = randomBytes(24).toString('base64url');
    userIds.push(id);
    insertUser.run(id, `Bench User ${i}`, seedEmail(i), created, created);
    insertAccount.run(randomBytes(24).toString('base64url'), id, id, hash, created, created);
  }
})();

// Creating a key for a given user is a server-only call in better-auth, so the key is minted here.
const key = await auth.api.createApiKey({ body: { userId: userIds[0], rateLimitEnabled: false } });

server.on('request', toNodeHandler(auth));
announce(server, { apiKey0: key.key });
