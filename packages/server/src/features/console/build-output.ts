import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The console's build output: the directory of hashed assets and the page that names them. */
export interface ConsoleBuild {
  assetsDir: string;
  indexHtml: string;
}

/**
 * Finds `@gatehouse/console`'s `dist/` (built at `npm install` by the root `prepare` script, and by
 * `npm run build`). Undefined when the package or its build is missing: the server still runs, and
 * /console says how to build it.
 */
export function findConsoleBuild(): ConsoleBuild | undefined {
  let root: string;
  try {
    root = dirname(createRequire(import.meta.url).resolve('@gatehouse/console/package.json'));
  } catch {
    return undefined;
  }
  const dist = join(root, 'dist');
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return undefined;
  return { assetsDir: join(dist, 'assets'), indexHtml: readFileSync(index, 'utf8') };
}
