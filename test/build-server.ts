import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { transform } from 'esbuild';
import { BUILT_MAIN_VARIABLE, BUILT_SERVERS } from '../packages/server/test/support/process.js';

const SOURCE = join(import.meta.dirname, '../packages/server/src');
/** Outputs of earlier sources are removed once this old (a run still using one is long over). */
const STALE_MS = 60 * 60 * 1000;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/**
 * Vitest global setup: transpiles the server's current source file by file with esbuild (the transform tsx
 * applies at every start), and names the output's main.js in GATEHOUSE_TEST_BUILT_MAIN for the tests that
 * start `gatehouse` as a process of its own (support/process.ts): through `node --import tsx` a start spends
 * over a second of CPU in the loader, and a run starts dozens. The output's folder is named by a hash of the
 * source, so it is never stale, and two projects' setups starting together share one build.
 */
export default async function buildServer(): Promise<void> {
  const files = sources(SOURCE).sort();
  const hash = createHash('sha256');
  const texts = files.map((file) => {
    const text = readFileSync(file, 'utf8');
    hash.update(relative(SOURCE, file)).update('\0').update(text).update('\0');
    return text;
  });
  const name = hash.digest('hex').slice(0, 16);
  const out = join(BUILT_SERVERS, name);
  if (!existsSync(join(out, 'main.js'))) {
    const partial = `${out}.${process.pid}.partial`;
    await Promise.all(
      files.map(async (file, i) => {
        const { code } = await transform(texts[i]!, {
          loader: 'ts',
          format: 'esm',
          platform: 'node',
          target: 'node20',
          sourcefile: file,
        });
        const target = join(partial, relative(SOURCE, file)).replace(/\.ts$/, '.js');
        mkdirSync(join(target, '..'), { recursive: true });
        writeFileSync(target, code);
      }),
    );
    writeFileSync(join(partial, 'package.json'), '{ "type": "module" }\n');
    try {
      renameSync(partial, out);
    } catch {
      // Another project's setup finished the same build first.
      rmSync(partial, { recursive: true, force: true });
    }
  }
  for (const entry of readdirSync(BUILT_SERVERS))
    if (entry !== name && Date.now() - statSync(join(BUILT_SERVERS, entry)).mtimeMs > STALE_MS)
      rmSync(join(BUILT_SERVERS, entry), { recursive: true, force: true });
  process.env[BUILT_MAIN_VARIABLE] = join(out, 'main.js');
}
