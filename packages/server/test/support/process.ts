import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = join(import.meta.dirname, '../../../..');

/** The server's entry point in the source. */
export const MAIN = join(ROOT, 'packages/server/src/main.ts');

/**
 * Where test/build-server.ts (vitest's global setup) transpiles the server's current source; it names the
 * output's main.js in this variable for the test processes.
 */
export const BUILT_SERVERS = join(ROOT, 'packages/server/node_modules/.cache/gatehouse-test-server');
export const BUILT_MAIN_VARIABLE = 'GATEHOUSE_TEST_BUILT_MAIN';

/** tsx by absolute URL: a command may run from a folder outside the checkout. */
const TSX = pathToFileURL(join(ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

/**
 * Node's arguments to run `gatehouse <args>` from this checkout's source: the global setup's transpiled
 * output when there is one (plain node starts in well under half the CPU), else the source through tsx.
 */
export function gatehouseArgs(...args: string[]): string[] {
  const built = process.env[BUILT_MAIN_VARIABLE];
  return built ? [built, ...args] : ['--import', TSX, MAIN, ...args];
}

/**
 * Starts the real `gatehouse start` in a process of its own with exactly `env`, and resolves once its
 * standard output matches `ready` (with the output so far); rejects with the output if it exits first.
 */
export async function startGatehouse(
  env: Record<string, string>,
  ready: RegExp = /Gatehouse listening/,
): Promise<{ child: ChildProcess; out: string }> {
  const child = spawn(process.execPath, gatehouseArgs('start'), {
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
