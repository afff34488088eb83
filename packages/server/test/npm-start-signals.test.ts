import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from './support/server.js';

const ROOT = join(import.meta.dirname, '../../..');

/**
 * Issue 17, item 5, as deployed: a container runtime or process manager sends SIGTERM to the process it
 * started, here `npm start`. npm passes it to its child only; the `start` script execs the server, so that
 * child is the server itself (with a shell in between, the shell died and the server ran on, orphaned,
 * holding its port and its SQLite file). Runs the build, as `npm start` does.
 */
describe('npm start', () => {
  // No cmd.exe here: what can be checked is that the script's `exec` has the file cmd finds for it (cmd tries
  // the current folder, where npm runs the script, before PATH), that the file runs the rest of the line,
  // and that git gives it the CRLF line endings cmd expects.
  it('has an exec.cmd for Windows, where cmd.exe has no exec', () => {
    const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(scripts['start']).toBe(
      'exec node --max-semi-space-size=4 --heap-growing-percent=10 --v8-pool-size=1 --no-allocation-site-pretenuring packages/server/bin/gatehouse.js start',
    );
    const batch = readFileSync(join(ROOT, 'exec.cmd'), 'utf8').split('\r\n');
    expect(batch.filter((line) => line !== '' && !line.startsWith('@rem '))).toEqual(['@%*']);
    expect(readFileSync(join(ROOT, '.gitattributes'), 'utf8')).toMatch(/^\*\.cmd text eol=crlf$/m);
  });

  it('hands SIGTERM to the server: it shuts down gracefully and npm exits 0', async () => {
    const port = await freePort();
    const child = spawn('npm', ['start'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        GATEHOUSE_PORT: String(port),
        GATEHOUSE_DATABASE_URL: join(mkdtempSync(join(tmpdir(), 'gatehouse-npm-start-')), 'gatehouse.db'),
        GATEHOUSE_LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that a failed test can stop whatever it left behind.
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    // 'close': npm has exited and its output is read to the end.
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    try {
      const deadline = Date.now() + 60_000;
      while (!output.includes('Gatehouse listening on')) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // The two lines docs/getting-started.md ("Run it") says the first start prints.
      expect(output).toMatch(
        /^Created the first admin admin@localhost with password \S+ \(shown once: change it after signing in\)$/m,
      );
      expect(output).toMatch(
        new RegExp(
          `^Gatehouse listening on http://localhost:${port} \\(database: \\S+gatehouse\\.db\\)$`,
          'm',
        ),
      );
      // Only npm is signalled, as a container runtime signals the process it started.
      child.kill('SIGTERM');
      // Bounded well inside the test's timeout, so that `finally` still cleans up when it fails.
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 30_000));
      expect(await Promise.race([exited, timeout])).toBe(0);
      expect(output).toContain('"msg":"shut down"');
      // Nothing listens any more: the server did not outlive npm.
      await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
    } finally {
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // The group is gone: nothing was left behind.
        }
      }
    }
  }, 90_000);
});
