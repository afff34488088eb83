/**
 * Gatehouse under test, as its own process: the server's own buildApp() from its build (packages/server/dist,
 * what `npm start` runs) on a fresh SQLite file or a fresh PostgreSQL schema, seeded by inserting rows
 * directly with one precomputed argon2id hash for every account. Configuration comes from the GATEHOUSE_*
 * variables the harness sets; BENCH_* variables drive seeding.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../../packages/server/dist/app.js';
import { loadConfig } from '../../packages/server/dist/config/load.js';
import { newId } from '../../packages/server/dist/lib/crypto.js';
import { stdoutDestination } from '../../packages/server/dist/lifecycle/log-destination.js';
import { announce, OIDC_JWT_RESOURCE, onShutdown, seedEmail } from './common.mjs';

const kind = process.env.BENCH_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
const users = Number(process.env.BENCH_USERS ?? 10_000);
const passwordHash = process.env.BENCH_PASSWORD_HASH;
if (!passwordHash) throw new Error('BENCH_PASSWORD_HASH is required');

/** A database of its own, like packages/server/test/support/databases.ts: nothing is shared with tests. */
async function freshDatabase() {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
    return {
      url: join(dir, 'gatehouse.db'),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  // Loaded only here: the SQLite server must not carry the pg driver in the RSS measured (Gatehouse does not).
  const { default: pg } = await import('pg');
  const base = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `gh_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

const database = await freshDatabase();
// Logging as `gatehouse start` sets it up (cli/start.ts): JSON lines to standard output, asynchronously;
// standard output is a file in bench/results/logs-<time>/.
const logDestination = stdoutDestination();
const app = await buildApp(loadConfig({ ...process.env, GATEHOUSE_DATABASE_URL: database.url }), {
  logStream: logDestination.stream,
});
onShutdown(async () => {
  await app.close();
  await database.drop();
  await logDestination.flush(2_000);
});

const db = app.gatehouse.ctx.storage.db;
const now = Date.now();
for (let start = 0; start < users; start += 500) {
  const rows = [];
  for (let i = start; i < Math.min(start + 500, users); i += 1) {
    const email = seedEmail(i);
    rows.push({
      id: newId(),
      email,
      username: email,
      password_hash: passwordHash,
      first_name: 'Bench',
      last_name: `User ${i}`,
      roles: '["user"]',
      metadata: '{}',
      last_workspace_id: null,
      created_at: now,
      updated_at: now,
    });
  }
  await db.insertInto('users').values(rows).execute();
  // Sign-in looks accounts up by their identifiers (features/accounts/identifiers.ts): seed those too. The
  // seed e-mails are already in normal form (ASCII, lower case), so each one is its own key.
  await db
    .insertInto('login_identifiers')
    .values(rows.map((row) => ({ identifier: row.email, user_id: row.id, kind: 'email' })))
    .execute();
}

// The OAuth client the client-credentials and introspection runs use: the same shape as oidc-provider's
// (client_secret_basic, scope `api`, one resource), registered the way `gatehouse clients create` does.
const { client, secret } = await app.gatehouse.oauth.clients.create({
  name: 'bench',
  grantTypes: ['client_credentials'],
  scope: 'api',
  resources: [OIDC_JWT_RESOURCE],
});

await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server, { oauthClientId: client.id, oauthClientSecret: secret });
