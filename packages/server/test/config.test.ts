import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { defaultHashConcurrency, machineSize, threadPoolSize } from '../src/config/hash-concurrency.js';
import { ConfigError, loadConfig } from '../src/config/load.js';
import { request } from './support/http.js';
import { gatehouseArgs } from './support/process.js';

/** Runs the real `gatehouse` command from the current source (support/process.ts). */
function gatehouse(args: string[], env: Record<string, string>, input?: string) {
  return spawnSync(process.execPath, gatehouseArgs(...args), {
    env: { PATH: process.env['PATH'] ?? '', GATEHOUSE_LOG_LEVEL: 'silent', ...env },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('configuration', () => {
  it('has working defaults: port 3000, SQLite under ./data, sign-up closed', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: 'sqlite', path: join(process.cwd(), 'data/gatehouse.db') });
    expect(config.signup).toBe('closed');
    expect(config.publicUrl.origin).toBe('http://localhost:3000');
    expect(config.secureCookies).toBe(false);
  });

  it.each([
    ['GATEHOUSE_PORT', 'eighty'],
    ['GATEHOUSE_PORT', '70000'],
    ['GATEHOUSE_PUBLIC_URL', 'not a url'],
    ['GATEHOUSE_DATABASE_URL', 'mysql://localhost/db'],
    ['GATEHOUSE_MASTER_KEY', 'too-short'],
    ['GATEHOUSE_SIGNUP', 'sometimes'],
    ['GATEHOUSE_SESSION_IDLE_TTL', '-5'],
    ['GATEHOUSE_ADMIN_PASSWORD', 'short'],
  ])('names %s when its value (%s) is invalid', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrowError(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrowError(new RegExp(`^${variable}: `));
  });

  it('requires a master key on PostgreSQL, so every instance shares it', () => {
    expect(() => loadConfig({ GATEHOUSE_DATABASE_URL: 'postgres://localhost/gatehouse' })).toThrowError(
      /^GATEHOUSE_MASTER_KEY: /,
    );
  });

  it('runs one password hash per core, as many as fit in an eighth of the memory, at least one', () => {
    const GiB = 1024 ** 3;
    const MiB = 1024 ** 2;
    const threadPool = 4;
    expect(defaultHashConcurrency(19456, { cores: 2, memoryBytes: 23.5 * GiB, threadPool })).toBe(2);
    expect(defaultHashConcurrency(19456, { cores: 16, memoryBytes: 1 * GiB, threadPool: 16 })).toBe(6);
    expect(defaultHashConcurrency(19456, { cores: 8, memoryBytes: 256 * MiB, threadPool })).toBe(1);
    expect(defaultHashConcurrency(19456, { cores: 8, memoryBytes: 64 * MiB, threadPool })).toBe(1);
    expect(defaultHashConcurrency(65536, { cores: 8, memoryBytes: 1 * GiB, threadPool })).toBe(2);
    // The default follows this machine; GATEHOUSE_HASH_CONCURRENCY overrides it either way.
    expect(loadConfig({}).argon2.concurrency).toBe(defaultHashConcurrency(19456, machineSize()));
    expect(loadConfig({ GATEHOUSE_ARGON2_MEMORY_KIB: '65536' }).argon2.concurrency).toBe(
      defaultHashConcurrency(65536, machineSize()),
    );
    expect(loadConfig({ GATEHOUSE_HASH_CONCURRENCY: '5' }).argon2.concurrency).toBe(5);
  });

  it("leaves one thread of libuv's pool free of password hashes, for signatures and file reads", () => {
    const GiB = 1024 ** 3;
    // 8 cores and memory to spare: the default pool of 4 runs 3 hashes, a pool of 16 runs 8.
    expect(defaultHashConcurrency(19456, { cores: 8, memoryBytes: 16 * GiB, threadPool: 4 })).toBe(3);
    expect(defaultHashConcurrency(19456, { cores: 8, memoryBytes: 16 * GiB, threadPool: 16 })).toBe(8);
    // A pool of one thread still hashes, one at a time.
    expect(defaultHashConcurrency(19456, { cores: 8, memoryBytes: 16 * GiB, threadPool: 1 })).toBe(1);
    expect(threadPoolSize({})).toBe(4);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '16' })).toBe(16);
    expect(threadPoolSize({ UV_THREADPOOL_SIZE: '5000' })).toBe(1024);
    for (const invalid of ['0', '-2', '2.5', 'many', ''])
      expect(threadPoolSize({ UV_THREADPOOL_SIZE: invalid }), invalid).toBe(4);
  });

  it('turns an HTTPS public URL into secure cookies', () => {
    expect(loadConfig({ GATEHOUSE_PUBLIC_URL: 'https://auth.example.com' }).secureCookies).toBe(true);
  });
});

describe('the gatehouse command', () => {
  it('stops on invalid configuration with one line naming the variable', () => {
    const result = gatehouse(['start'], { GATEHOUSE_PORT: 'eighty' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      'gatehouse: invalid configuration: GATEHOUSE_PORT: expected a whole number, got "eighty"',
    ]);
  });

  it('migrates, then creates a user from --password-stdin who can sign in', async () => {
    const db = join(mkdtempSync(join(tmpdir(), 'gatehouse-cli-')), 'gatehouse.db');
    const migrate = gatehouse(['migrate'], { GATEHOUSE_DATABASE_URL: db });
    expect(migrate.stderr).toBe(`gatehouse: database SQLite ${db}\n`);
    expect(migrate.stdout).toContain('applied 0001_foundation');
    expect(gatehouse(['migrate'], { GATEHOUSE_DATABASE_URL: db }).stdout).toContain('up to date');

    const create = gatehouse(
      ['users', 'create', 'ops@example.test', '--admin', '--password-stdin'],
      { GATEHOUSE_DATABASE_URL: db },
      'cli-chosen-password\n',
    );
    expect(create.status).toBe(0);
    expect(create.stdout).toMatch(/created admin ops@example.test/);
    expect(create.stdout + create.stderr).not.toContain('cli-chosen-password');

    const app = await buildApp(loadConfig({ GATEHOUSE_DATABASE_URL: db, GATEHOUSE_LOG_LEVEL: 'silent' }), {
      logger: false,
    });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const res = await request<{ payload: { user: { roles: string[] } } }>(url, '/api/signin', {
        body: { username: 'ops@example.test', password: 'cli-chosen-password' },
      });
      expect(res.status).toBe(200);
      expect(res.body.payload.user.roles).toContain('admin');
    } finally {
      await app.close();
    }
  });

  it('refuses a weak password from the CLI with a clear message', () => {
    const db = join(mkdtempSync(join(tmpdir(), 'gatehouse-cli-')), 'gatehouse.db');
    const create = gatehouse(
      ['users', 'create', 'weak@example.test', '--password-stdin'],
      { GATEHOUSE_DATABASE_URL: db },
      'short\n',
    );
    expect(create.status).toBe(1);
    expect(create.stderr).toMatch(/\ngatehouse: Password must be at least 8 characters/);
  });
});
