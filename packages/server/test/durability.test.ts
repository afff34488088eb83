import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type FreshDatabase, freshDatabase, type TestDatabase, testDatabases } from './support/databases.js';
import { request } from './support/http.js';
import { freePort } from './support/ports.js';
import { startGatehouse } from './support/process.js';

/** Starts the real `gatehouse start` in its own process and waits until it listens. */
async function startProcess(env: Record<string, string>): Promise<ChildProcess> {
  const defaults = {
    PATH: process.env['PATH'] ?? '',
    GATEHOUSE_HOST: '127.0.0.1',
    GATEHOUSE_LOG_LEVEL: 'warn',
  };
  return (await startGatehouse({ ...defaults, ...env })).child;
}

describe.each(testDatabases)('durability on %s', (database: TestDatabase) => {
  let child: ChildProcess | undefined;
  let fresh: FreshDatabase | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    await fresh?.drop();
  });

  it('loses no committed session, account or lockout counter to kill -9', async () => {
    fresh = await freshDatabase(database);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      GATEHOUSE_DATABASE_URL: fresh.url,
      GATEHOUSE_PORT: String(port),
      GATEHOUSE_MASTER_KEY: randomBytes(32).toString('base64url'),
      GATEHOUSE_ADMIN_EMAIL: 'root@example.test',
      GATEHOUSE_ADMIN_PASSWORD: 'bootstrap-password',
      GATEHOUSE_SIGNUP: 'open',
    };
    child = await startProcess(env);
    const signup = await request(url, '/api/signup', {
      body: { email: 'durable@example.test', password: 'durable-password' },
    });
    expect(signup.status).toBe(200);
    const cookie = signup.cookies[0]!;
    // Nine failures before the crash; the tenth after it must lock the account.
    for (let i = 0; i < 9; i += 1) {
      await request(url, '/api/signin', {
        body: { username: 'root@example.test', password: 'wrong-password' },
      });
    }

    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
    child = await startProcess(env);

    expect((await request(url, '/api/me', { cookie })).body['email']).toBe('durable@example.test');
    const tenth = await request(url, '/api/signin', {
      body: { username: 'root@example.test', password: 'wrong-password' },
    });
    expect(tenth.status).toBe(401);
    const locked = await request(url, '/api/signin', {
      body: { username: 'root@example.test', password: 'bootstrap-password' },
    });
    expect(locked.status).toBe(429);
    expect(locked.body['code']).toBe('ACCOUNT_LOCKED');
    // Two real server processes start, take writes and are killed: about 15 s on a quiet machine, and
    // more than the default 30 s when the machine is busy.
  }, 90_000);
});
