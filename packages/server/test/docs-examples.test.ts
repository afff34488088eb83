import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { MANY_SIGN_INS, startTestServer, type TestServer } from './support/server.js';

/*
 * Issue 14: the docs' shell examples run as written. A page opts in by marking code blocks ```sh runnable
 * (GitHub still highlights them as sh). Each page's runnable blocks run in order in one bash, in a fresh
 * folder, against a real server:
 * - `set -euo pipefail`, and `curl` fails on an HTTP error (`--fail-with-body`), so a wrong call fails;
 * - `http://localhost:3000` means this test's server;
 * - `ADMIN_PASSWORD` holds the first admin's password (admin@localhost), as the pages tell readers to set;
 * - the server runs with GATEHOUSE_SIGNUP=open, as the pages that sign people up say;
 * - it has no SMTP and writes its log (the messages it would send, links included) to `gatehouse.log` in
 *   the folder, as a development server started with `npm start > gatehouse.log` does (docs/accounts.md);
 * - `gatehouse` is the command line of this checkout's source, with the server's database and master key
 *   in its environment, and `node` resolves this checkout's packages (`require("otpauth")`);
 * - `npx gatehouse`, as pages write it for the checkout, finds the same command where npx looks first,
 *   `node_modules/.bin` (never the registry: npx would install a package named gatehouse otherwise).
 * Pages without runnable blocks are not run (other helpers' pages opt in when they are ready).
 */

const ROOT = join(import.meta.dirname, '../../..');
const DOCS = join(ROOT, 'docs');
const RUNNABLE = /^```(?:sh|bash|shell) runnable\s*\n([\s\S]*?)^```\s*$/gm;
const ADMIN_PASSWORD = 'first admin password 1';

function runnableBlocks(page: string): string[] {
  return [...readFileSync(join(DOCS, page), 'utf8').matchAll(RUNNABLE)].map((match) => match[1] ?? '');
}

const pages = readdirSync(DOCS)
  .filter((file) => file.endsWith('.md'))
  .sort()
  .map((page) => ({ page, blocks: runnableBlocks(page) }))
  .filter(({ blocks }) => blocks.length > 0);

/** A fresh server per page: a page's examples may change the admin's password or delete what they made. */
async function serverForPage(folder: string, masterKey: string): Promise<TestServer> {
  const log = join(folder, 'gatehouse.log');
  const server = await startTestServer({
    env: { GATEHOUSE_SIGNUP: 'open', GATEHOUSE_MASTER_KEY: masterKey, ...MANY_SIGN_INS },
    logStream: { write: (line) => appendFileSync(log, line) },
  });
  await server.createUser({ email: 'admin@localhost', password: ADMIN_PASSWORD, admin: true });
  return server;
}

/**
 * A `gatehouse` that runs this checkout's source (no build needed): on the PATH, and in the folder's
 * `node_modules/.bin` as in the checkout, where `npx gatehouse` finds it.
 */
function commandLine(folder: string): string {
  const bin = join(folder, 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  const tsx = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/esm/index.mjs')).href;
  const main = join(ROOT, 'packages/server/src/main.ts');
  writeFileSync(join(bin, 'gatehouse'), `#!/bin/sh\nexec node --import '${tsx}' '${main}' "$@"\n`);
  chmodSync(join(bin, 'gatehouse'), 0o755);
  return bin;
}

const PRELUDE = `set -euo pipefail
curl() { command curl -sS --fail-with-body "$@"; echo; }
`;

describe('docs/*.md shell examples', () => {
  it('has pages that opt in', () => {
    expect(pages.map((p) => p.page)).toEqual(
      expect.arrayContaining([
        'accounts.md',
        'api-tokens.md',
        'getting-started.md',
        'oauth.md',
        'sessions.md',
        'social-login.md',
        'tokens.md',
        'workspaces.md',
      ]),
    );
  });

  // Generous: accounts.md runs the command line seven times (a process each, ~1 s on a quiet machine).
  it.each(pages)('$page runs as written', async ({ blocks }) => {
    const folder = mkdtempSync(join(tmpdir(), 'gatehouse-docs-'));
    const masterKey = randomBytes(32).toString('base64url');
    const server = await serverForPage(folder, masterKey);
    try {
      await runPage(server, blocks, folder, {
        PATH: `${commandLine(folder)}:${process.env['PATH'] ?? ''}`,
        NODE_PATH: join(ROOT, 'node_modules'),
        GATEHOUSE_MASTER_KEY: masterKey,
        ...(server.config.database.kind === 'sqlite' && {
          GATEHOUSE_DATABASE_URL: server.config.database.path,
        }),
      });
    } finally {
      await server.close();
    }
  }, 240_000);
});

/*
 * getting-started.md's PostgreSQL block ends in `npm start` against a database host readers have and this
 * test has not: its settings run as written (the master-key one-liner included, openssl and tr as a reader
 * has them), and the configuration they give is what the page says.
 */
describe('docs/getting-started.md PostgreSQL settings', () => {
  it('export a configuration Gatehouse accepts: PostgreSQL, a 32-byte master key, the public URL', () => {
    const page = readFileSync(join(DOCS, 'getting-started.md'), 'utf8');
    const section = page.slice(page.indexOf('## PostgreSQL'));
    const block = /^```sh\n([\s\S]*?)^```$/m.exec(section)?.[1] ?? '';
    const exports = block.split('\n').filter((line) => line.startsWith('export GATEHOUSE_'));
    expect(exports).toHaveLength(3);
    expect(block.trim().split('\n').at(-1)).toBe('npm start');
    const result = spawnSync('bash', ['-c', `set -euo pipefail\n${exports.join('\n')}\nenv -0`], {
      encoding: 'utf8',
      env: { PATH: process.env['PATH'] ?? '' },
    });
    expect(result.status, result.stderr).toBe(0);
    const env = Object.fromEntries(
      result.stdout
        .split('\0')
        .filter((pair) => pair.startsWith('GATEHOUSE_'))
        .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
    );
    expect(env['GATEHOUSE_MASTER_KEY']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const config = loadConfig(env);
    expect(config.database.kind).toBe('postgres');
    expect(config.publicUrl.href).toBe('https://auth.example.com/');
    expect(Buffer.from(config.masterKey ?? '', 'base64url')).toHaveLength(32);
  });
});

/** Runs the page's blocks in bash, asynchronously: the server answering them lives in this process. */
async function runPage(
  server: TestServer,
  blocks: string[],
  folder: string,
  env: Record<string, string>,
): Promise<void> {
  const script = PRELUDE + blocks.join('\n').replaceAll('http://localhost:3000', server.url);
  const child = spawn('bash', ['-c', script], {
    cwd: folder,
    env: { ...env, HOME: tmpdir(), ADMIN_PASSWORD },
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (status !== 0) throw new Error(`the page's examples failed (exit ${status}):\n${output}`);
  expect(status).toBe(0);
}
