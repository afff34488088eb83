import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DESTINATION = fileURLToPath(new URL('../src/lifecycle/log-destination.ts', import.meta.url));

/**
 * A process that writes `count` lines through `stdoutDestination()` (as `gatehouse start` does), with the
 * event loop turning between bursts, then flushes and reports on standard error: how many lines were
 * dropped, and how many 10 ms timer ticks ran while it wrote (a blocked loop runs none).
 */
const WRITER = `
const { stdoutDestination } = await import(${JSON.stringify(DESTINATION)});
const destination = stdoutDestination();
let ticks = 0;
const ticker = setInterval(() => { ticks += 1; }, 10);
const pad = 'x'.repeat(Number(process.env.PAD ?? 0));
for (let i = 0; i < Number(process.env.COUNT); i += 1) {
  destination.stream.write(JSON.stringify({ n: i, pad }) + '\\n');
  if (i % 100 === 99) await new Promise((resolve) => setTimeout(resolve, 1));
}
await destination.flush(500);
clearInterval(ticker);
process.stderr.write(JSON.stringify({ dropped: destination.dropped(), ticks }));
process.exit(0);
`;

function runWriter(env: Record<string, string>, stdout: 'pipe' | number, read: boolean) {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', WRITER], {
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, 'pipe'],
  });
  let out = '';
  if (read) child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  let report = '';
  child.stderr!.on('data', (chunk: Buffer) => (report += chunk.toString()));
  // 'close' comes once every byte of a read pipe has been read; an unread pipe never closes, so 'exit' then.
  return new Promise<{ out: string; report: { dropped: number; ticks: number } }>((resolve, reject) => {
    child.once(read ? 'close' : 'exit', (code) => {
      if (code !== 0) reject(new Error(`writer exited ${code}: ${report}`));
      else resolve({ out, report: JSON.parse(report) as { dropped: number; ticks: number } });
    });
  });
}

function expectAllLines(text: string, count: number): void {
  const lines = text.split('\n').filter(Boolean);
  expect(lines).toHaveLength(count);
  const numbers = lines.map((line) => (JSON.parse(line) as { n: number }).n);
  expect(numbers).toEqual(Array.from({ length: count }, (_, i) => i));
}

describe('standard output for logs', () => {
  it('reaches a pipe whole and in order, nothing dropped', async () => {
    const { out, report } = await runWriter({ COUNT: '20000' }, 'pipe', true);
    expect(report.dropped).toBe(0);
    expectAllLines(out, 20000);
  });

  it('reaches a file whole and in order, nothing dropped', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'gatehouse-log-')), 'out.log');
    const { report } = await runWriter({ COUNT: '20000' }, openSync(path, 'w'), false);
    expect(report.dropped).toBe(0);
    expectAllLines(readFileSync(path, 'utf8'), 20000);
  });

  it('drops and counts lines when nobody reads the pipe, and neither blocks nor waits past the flush bound', async () => {
    // ~10 MB of lines into a pipe nobody reads: the pipe holds 64 KiB, the destination 4 MiB, the rest is dropped.
    const started = Date.now();
    const { report } = await runWriter({ COUNT: '20000', PAD: '500' }, 'pipe', false);
    expect(report.dropped).toBeGreaterThan(5000);
    expect(report.ticks).toBeGreaterThan(10);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});
