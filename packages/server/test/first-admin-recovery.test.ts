import { type ChildProcess, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FreshDatabase, freshDatabase, type TestDatabase, testDatabases } from './support/databases.js';
import { request, signInWithCookie } from './support/http.js';
import { freePort } from './support/ports.js';
import { gatehouseArgs, startGatehouse } from './support/process.js';

/*
 * Issue 13 as an operator meets it, with the real processes: `gatehouse start` prints the first admin's
 * generated password once and where e-mail goes; the password is lost; `gatehouse users reset-link`,
 * run from the shell against the same database, prints a link that sets a new one (docs/getting-started.md).
 * Then `gatehouse users disable` from the shell stops a signed-in user's session on the running server's
 * next request: on SQLite the shell is another process that no invalidation bus reaches.
 */

/** Starts `gatehouse start` and returns its stdout once it listens and has said where e-mail goes. */
const startServer = (env: Record<string, string>) => startGatehouse(env, /^E-mail: .*$/m);

/** Runs one `gatehouse …` command to completion, as an operator would from the shell. */
function gatehouse(args: string[], env: Record<string, string>): string {
  const result = spawnSync(process.execPath, gatehouseArgs(...args), { env, encoding: 'utf8' });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout;
}

describe.each(testDatabases)('first-admin recovery from the shell on %s', (database: TestDatabase) => {
  let child: ChildProcess | undefined;
  let fresh: FreshDatabase | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await fresh?.drop();
  });

  it('prints the generated password once, recovers it with a reset link, and disables a user live', async () => {
    fresh = await freshDatabase(database);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      PATH: process.env['PATH'] ?? '',
      GATEHOUSE_DATABASE_URL: fresh.url,
      GATEHOUSE_PORT: String(port),
      GATEHOUSE_HOST: '127.0.0.1',
      GATEHOUSE_PUBLIC_URL: url,
      GATEHOUSE_MASTER_KEY: randomBytes(32).toString('base64url'),
      GATEHOUSE_LOG_LEVEL: 'warn',
    };
    const started = await startServer(env);
    child = started.child;
    const generated = /Created the first admin admin@localhost with password (\S+) \(shown once/.exec(
      started.out,
    );
    expect(generated).not.toBeNull();
    expect(started.out).toMatch(/^E-mail: no GATEHOUSE_SMTP_URL, so messages .* development only$/m);

    // The password is lost. From the shell:
    const printed = gatehouse(['users', 'reset-link', 'admin@localhost'], env);
    const link = new URL(/^(http\S+)$/m.exec(printed)![1]!);
    expect(link.pathname).toBe('/account/reset-password');
    const reset = await request(url, '/api/password/reset', {
      body: { token: link.searchParams.get('token'), newPassword: 'recovered from the shell' },
    });
    expect(reset.status).toBe(200);
    const old = await request(url, '/api/signin', {
      body: { username: 'admin@localhost', password: generated![1] },
    });
    expect(old.status).toBe(401);
    const admin = await signInWithCookie(url, 'admin@localhost', 'recovered from the shell');

    // An account the admin creates, signed in and cached by the server, is disabled from the shell.
    const created = await request<{ _id: string }>(url, '/api/admin/users', {
      cookie: admin,
      body: { email: 'grace@example.test', password: 'a long enough password' },
    });
    expect(created.status).toBe(201);
    const grace = await signInWithCookie(url, 'grace@example.test', 'a long enough password');
    expect((await request(url, '/api/me', { cookie: grace })).status).toBe(200);
    expect((await request(url, '/api/me', { cookie: grace })).status).toBe(200);
    expect(gatehouse(['users', 'disable', 'grace@example.test'], env)).toContain('disabled');
    // PostgreSQL: the shell's notification may take a moment to arrive; SQLite: refused at once.
    const until = Date.now() + 1_000;
    let res = await request(url, '/api/me', { cookie: grace });
    while (res.status === 200 && database === 'postgres' && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      res = await request(url, '/api/me', { cookie: grace });
    }
    expect(res.status).toBe(401);
    expect(gatehouse(['users', 'show', 'grace@example.test'], env)).toContain('disabled');
    // A server and five CLI runs, each a fresh node process that loads the whole server: ~20 s on a quiet
    // machine, past the default 30 s when other suites load the two cores.
  }, 90_000);
});
