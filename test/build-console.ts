import { execFileSync } from 'node:child_process';

/**
 * Vitest global setup: builds the web console once before any test file runs, so the browser tests always
 * exercise the current source (the build the server serves from packages/console/dist), never a stale one.
 */
export default function buildConsole(): void {
  execFileSync(process.execPath, ['packages/console/build.mjs'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
