import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { unknownVariables } from '../src/config/unknown-variables.js';
import { request } from './support/http.js';
import { gatehouseArgs } from './support/process.js';

/*
 * Issue 14's command line, run as a person or a script runs it: a real process, stdin a pipe (no terminal).
 */

const ROOT = join(import.meta.dirname, '../../..');

function gatehouse(
  args: string[],
  env: Record<string, string> = {},
  options: { input?: string; cwd?: string } = {},
) {
  return spawnSync(process.execPath, gatehouseArgs(...args), {
    env: { PATH: process.env['PATH'] ?? '', GATEHOUSE_LOG_LEVEL: 'silent', ...env },
    input: options.input ?? '',
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

const freshDatabase = () => join(mkdtempSync(join(tmpdir(), 'gatehouse-cli-')), 'data', 'gatehouse.db');
const masterKey = () => randomBytes(32).toString('base64url');

// Each test starts real processes: on a loaded two-core machine they take seconds each.
describe('the gatehouse command', { timeout: 120_000 }, () => {
  it('prints help with no argument, and starts nothing', () => {
    const db = freshDatabase();
    const result = gatehouse([], { GATEHOUSE_DATABASE_URL: db });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^usage: gatehouse <command>/);
    expect(result.stdout).toContain('doctor');
    expect(existsSync(db)).toBe(false);
  });

  it('runs from the checkout as `npx gatehouse` (the workspace bin)', () => {
    const result = spawnSync('npx', ['--no-install', 'gatehouse', 'help'], {
      cwd: join(ROOT, 'packages'),
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^usage: gatehouse <command>/);
    expect(result.status).toBe(0);
  });

  it('refuses to prompt without a terminal: a clear error, exit 1, nobody created', () => {
    const db = freshDatabase();
    const result = gatehouse(['users', 'create', 'nobody@example.test'], { GATEHOUSE_DATABASE_URL: db });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('no terminal to ask for the password: pipe it in with --password-stdin');
    expect(result.stdout).toBe('');
    expect(existsSync(db)).toBe(false);
  });

  it('never creates a database or a key for a read-only command, and names the database', () => {
    const db = freshDatabase();
    for (const args of [
      ['keys', 'list'],
      ['users', 'list'],
    ]) {
      const result = gatehouse(args, { GATEHOUSE_DATABASE_URL: db });
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`gatehouse: database SQLite ${db}`);
      expect(result.stderr).toContain(`there is no database at ${db}`);
    }
    expect(existsSync(db)).toBe(false);
    expect(existsSync(join(db, '../master.key'))).toBe(false);
  });

  it('creates a user on an empty database without sealing a signing key with the shell’s master key', async () => {
    const db = freshDatabase();
    // The shell holds some other key than the server will: nothing may be sealed with it.
    const create = gatehouse(
      ['users', 'create', 'first@example.test', '--admin', '--password-stdin'],
      { GATEHOUSE_DATABASE_URL: db, GATEHOUSE_MASTER_KEY: masterKey() },
      { input: 'a long passphrase\n' },
    );
    expect(create.stderr).toBe(`gatehouse: database SQLite ${db}\n`);
    expect(create.status).toBe(0);
    const list = gatehouse(['keys', 'list'], { GATEHOUSE_DATABASE_URL: db });
    expect(list.status).toBe(0);
    expect(list.stdout).toContain('no signing keys yet');

    // The server, with its own master key (the generated file), starts and issues tokens.
    const app = await buildApp(loadConfig({ GATEHOUSE_DATABASE_URL: db, GATEHOUSE_LOG_LEVEL: 'silent' }), {
      logger: false,
    });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const signin = await request(url, '/api/signin', {
        body: { username: 'first@example.test', password: 'a long passphrase', authType: 'oauth' },
      });
      expect(signin.status).toBe(200);
    } finally {
      await app.close();
    }
    expect(gatehouse(['keys', 'list'], { GATEHOUSE_DATABASE_URL: db }).stdout).toMatch(/EdDSA\s+active/);

    // doctor agrees with the file's key and names the shell's wrong one, with the fix.
    const good = gatehouse(['doctor'], { GATEHOUSE_DATABASE_URL: db });
    expect(good.stdout).toMatch(/ok {7}master key \(.*master\.key\) opens all 1 signing key/);
    expect(good.status).toBe(0);
    const wrong = gatehouse(['doctor'], { GATEHOUSE_DATABASE_URL: db, GATEHOUSE_MASTER_KEY: masterKey() });
    expect(wrong.stdout).toMatch(
      /PROBLEM {2}the master key from GATEHOUSE_MASTER_KEY does not open signing key/,
    );
    expect(wrong.stdout).toContain('fix: set GATEHOUSE_MASTER_KEY to the key the server was started with');
    expect(wrong.status).toBe(1);
  });

  it('resolves the default ./data at the project root from any subfolder', () => {
    const project = mkdtempSync(join(tmpdir(), 'gatehouse-project-'));
    writeFileSync(join(project, 'package.json'), '{"name":"app","workspaces":["packages/*"]}');
    mkdirSync(join(project, 'packages', 'api'), { recursive: true });
    writeFileSync(join(project, 'packages', 'api', 'package.json'), '{"name":"api"}');
    const result = gatehouse(['keys', 'list'], {}, { cwd: join(project, 'packages', 'api') });
    expect(result.stderr).toContain(`gatehouse: database SQLite ${join(project, 'data', 'gatehouse.db')}`);
  });

  it('warns about a misspelled GATEHOUSE_ variable with the nearest known name', () => {
    const db = freshDatabase();
    const result = gatehouse(['migrate'], { GATEHOUSE_DATABASE_URL: db, GATEHOUSE_DATABSE_URL: db });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain(
      'gatehouse: unknown variable GATEHOUSE_DATABSE_URL is ignored (did you mean GATEHOUSE_DATABASE_URL?)',
    );
    expect(unknownVariables({ GATEHOUSE_DATABSE_URL: 'x', GATEHOUSE_PORT: '1', GATEHOUSE_ZZZ: '1' })).toEqual(
      [
        { name: 'GATEHOUSE_DATABSE_URL', suggestion: 'GATEHOUSE_DATABASE_URL' },
        { name: 'GATEHOUSE_ZZZ', suggestion: undefined },
      ],
    );
    const doctor = gatehouse(['doctor'], {
      GATEHOUSE_DATABASE_URL: freshDatabase(),
      GATEHOUSE_SINGUP: 'open',
    });
    expect(doctor.stdout).toContain(
      'PROBLEM  unknown variable GATEHOUSE_SINGUP is ignored (did you mean GATEHOUSE_SIGNUP?)',
    );
    expect(doctor.stdout).toContain('note     database SQLite');
    expect(doctor.status).toBe(1);
  });
});
