import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const sdkRoot = new URL('../../', import.meta.url).pathname;

export interface SdkBundle {
  code: string;
  /** Minified bytes. */
  bytes: number;
  /** Minified and gzipped bytes: what a browser downloads. */
  gzipBytes: number;
  /** Every module the bundle was made of, relative to packages/sdk. */
  inputs: string[];
}

/**
 * The SDK as an app bundler would ship it: esbuild, ESM, minified, for a neutral platform (no Node
 * built-ins resolve), tree-shaken down to what `entry` imports. `entry` is module source whose imports
 * are relative to packages/sdk, e.g. `export * from './src/index.ts'`.
 */
export async function bundleSdk(entry: string, options: { minify?: boolean } = {}): Promise<SdkBundle> {
  const result = await build({
    stdin: { contents: entry, resolveDir: sdkRoot, loader: 'ts' },
    absWorkingDir: sdkRoot,
    bundle: true,
    minify: options.minify ?? true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  return {
    code,
    bytes: Buffer.byteLength(code),
    gzipBytes: gzipSync(code, { level: 9 }).length,
    inputs: Object.keys(result.metafile.inputs).filter((input) => input !== '<stdin>'),
  };
}

export interface SplitSdkBundle {
  /** Minified and gzipped bytes of what loads with the entry: its chunk and the chunks it imports statically. */
  entryGzipBytes: number;
  /** The same for the chunks only a dynamic `import()` loads (`sdk.oauth2`'s implementation), together. */
  lazyGzipBytes: number;
  /** The SDK modules in the lazily loaded chunks, relative to packages/sdk. */
  lazyInputs: string[];
  /** Every output file by its name (the chunks import one another by `./name`); the entry is `entry.js`. */
  files: Map<string, string>;
}

/**
 * The SDK as an app bundler with code splitting ships it (esbuild `splitting`, as Vite, Rollup and webpack
 * do by default): a dynamic `import()` becomes a chunk the browser fetches only when the code runs.
 */
export async function bundleSdkSplit(entry: string): Promise<SplitSdkBundle> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-sdk-split-'));
  try {
    const result = await build({
      entryPoints: { entry: 'entry.ts' },
      plugins: [
        {
          name: 'entry',
          setup(plugin) {
            plugin.onResolve({ filter: /^entry\.ts$/ }, () => ({ path: 'entry.ts', namespace: 'entry' }));
            plugin.onLoad({ filter: /.*/, namespace: 'entry' }, () => ({
              contents: entry,
              resolveDir: sdkRoot,
              loader: 'ts',
            }));
          },
        },
      ],
      absWorkingDir: sdkRoot,
      outdir: dir,
      bundle: true,
      splitting: true,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const outputs = result.metafile.outputs;
    const gzip = new Map(
      result.outputFiles.map((file) => [
        relative(sdkRoot, file.path),
        gzipSync(file.text, { level: 9 }).length,
      ]),
    );
    const files = new Map(result.outputFiles.map((file) => [basename(file.path), file.text]));
    const entryChunk = Object.keys(outputs).find((name) => outputs[name]?.entryPoint !== undefined);
    if (!entryChunk) throw new Error('esbuild produced no entry chunk');
    // The entry and everything it imports statically load at once; the rest waits for an import().
    const eager = new Set<string>();
    const visit = (name: string) => {
      if (eager.has(name)) return;
      eager.add(name);
      for (const imported of outputs[name]?.imports ?? [])
        if (imported.kind === 'import-statement') visit(imported.path);
    };
    visit(entryChunk);
    const lazy = Object.keys(outputs).filter((name) => !eager.has(name));
    const sum = (names: string[]) => names.reduce((total, name) => total + (gzip.get(name) ?? 0), 0);
    return {
      entryGzipBytes: sum([...eager]),
      lazyGzipBytes: sum(lazy),
      lazyInputs: lazy.flatMap((name) => Object.keys(outputs[name]?.inputs ?? {})),
      files,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
