import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MANY_SIGN_INS, startTestServer, type TestServer } from './support/server.js';

/*
 * Issue 14: the docs' shell examples run as written. A page opts in by marking code blocks ```sh runnable
 * (GitHub still highlights them as sh). Each page's runnable blocks run in order in one bash, in a fresh
 * folder, against a real server:
 * - `set -euo pipefail`, and `curl` fails on an HTTP error (`--fail-with-body`), so a wrong call fails;
 * - `http://localhost:3000` means this test's server;
 * - `ADMIN_PASSWORD` holds the first admin's password (admin@localhost), as the pages tell readers to set;
 * - the server runs with GATEHOUSE_SIGNUP=open, as the pages that sign people up say.
 * Pages without runnable blocks are not run (other helpers' pages opt in when they are ready).
 */

const DOCS = join(import.meta.dirname, '../../../docs');
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
async function serverForPage(): Promise<TestServer> {
  const server = await startTestServer({ env: { GATEHOUSE_SIGNUP: 'open', ...MANY_SIGN_INS } });
  await server.createUser({ email: 'admin@localhost', password: ADMIN_PASSWORD, admin: true });
  return server;
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

  it.each(pages)('$page runs as written', async ({ blocks }) => {
    const server = await serverForPage();
    try {
      await runPage(server, blocks);
    } finally {
      await server.close();
    }
  });
});

/** Runs the page's blocks in bash, asynchronously: the server answering them lives in this process. */
async function runPage(server: TestServer, blocks: string[]): Promise<void> {
  const script = PRELUDE + blocks.join('\n').replaceAll('http://localhost:3000', server.url);
  const child = spawn('bash', ['-c', script], {
    cwd: mkdtempSync(join(tmpdir(), 'gatehouse-docs-')),
    env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), ADMIN_PASSWORD },
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
