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
