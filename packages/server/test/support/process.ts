import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** The server's entry point, run through tsx (no build needed). */
export const MAIN = join(import.meta.dirname, '../../src/main.ts');

/**
 * Starts the real `gatehouse start` in a process of its own with exactly `env`, and resolves once its
 * standard output matches `ready` (with the output so far); rejects with the output if it exits first.
 */
export async function startGatehouse(
  env: Record<string, string>,
  ready: RegExp = /Gatehouse listening/,
): Promise<{ child: ChildProcess; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'start'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (ready.test(text)) resolve(text);
    });
    child.on('exit', (code) => reject(new Error(`gatehouse exited with ${code}: ${text}`)));
  });
  return { child, out };
}
