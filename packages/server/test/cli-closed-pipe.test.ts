import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const MAIN = join(import.meta.dirname, '../src/main.ts');
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/**
 * `gatehouse … | head -n 1`: the reader takes what it wants and closes the pipe. Here it is closed before
 * the command writes anything (the process takes a second to start), so the command's first write meets
 * a closed pipe (EPIPE): it must end quietly with 0, not crash with a stack trace and 1.
 */
function runWithReaderGone(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', TSX, MAIN, ...args], {
    env: { PATH: process.env['PATH'] ?? '', GATEHOUSE_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise<{ status: number | null; stderr: string }>((resolve) =>
    child.on('close', (status) => resolve({ status, stderr })),
  );
}

describe('a gatehouse command whose reader closes the pipe early', { timeout: 120_000 }, () => {
  it('prints help into a closed pipe: exit 0, no stack trace', async () => {
    const result = await runWithReaderGone(['help'], {});
    expect(result.stderr).not.toMatch(/EPIPE|at .*\(/);
    expect(result.status).toBe(0);
  });

  it('lists users into a closed pipe: exit 0, no stack trace', async () => {
    const env = {
      GATEHOUSE_DATABASE_URL: join(mkdtempSync(join(tmpdir(), 'gatehouse-pipe-')), 'gatehouse.db'),
      GATEHOUSE_MASTER_KEY: randomBytes(32).toString('base64url'),
    };
    const created = spawnSync(
      process.execPath,
      ['--import', TSX, MAIN, 'users', 'create', 'pipe@example.com', '--password-stdin'],
      {
        env: { PATH: process.env['PATH'] ?? '', ...env },
        input: 'a long enough password\n',
        encoding: 'utf8',
      },
    );
    expect(created.status, created.stderr).toBe(0);
    const result = await runWithReaderGone(['users', 'list'], env);
    expect(result.stderr).not.toMatch(/EPIPE|at .*\(/);
    expect(result.status).toBe(0);
  });
});
