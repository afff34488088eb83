// Builds the console into dist/: content-hashed assets (served with immutable cache headers) and an
// index.html naming them (served with no-cache). No inline script or style anywhere, so the server's
// Content-Security-Policy can forbid both. Run by `npm run build` and by the root `prepare` at install.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');
/** Where the server mounts the console; every asset URL in index.html starts with it. */
const BASE = '/console/';

await rm(dist, { recursive: true, force: true });
await mkdir(join(dist, 'assets'), { recursive: true });

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { app: 'src/main.tsx', styles: 'src/styles.css', icon: 'src/icon.svg' },
  loader: { '.svg': 'copy' },
  bundle: true,
  minify: true,
  format: 'esm',
  // The browsers docs/console.md promises: current Chromium, Firefox and Safari (and one release back).
  target: ['chrome120', 'firefox121', 'safari16.4'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  // The SDK is bundled from its TypeScript source (tsconfig.json `paths`), so the console never runs
  // against a stale build of it.
  tsconfig: join(root, 'tsconfig.json'),
  entryNames: '[name]-[hash]',
  // Admin screens and the QR encoder load on first use (dynamic import), as chunk-<hash>.js files.
  splitting: true,
  chunkNames: 'chunk-[hash]',
  outdir: join(dist, 'assets'),
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((file) => basename(file));
const named = (prefix, extension) => {
  const file = outputs.find((name) => name.startsWith(`${prefix}-`) && name.endsWith(extension));
  if (!file) throw new Error(`esbuild produced no ${prefix}*${extension}`);
  return file;
};
const assets = { js: named('app', '.js'), css: named('styles', '.css'), icon: named('icon', '.svg') };

// The chunks the app imports statically are fetched at once, not after the app has been parsed.
const appOutput = Object.entries(result.metafile.outputs).find(([file]) => basename(file) === assets.js)?.[1];
const preloads = (appOutput?.imports ?? [])
  .filter((entry) => entry.kind === 'import-statement')
  .map((entry) => `<link rel="modulepreload" href="${BASE}assets/${basename(entry.path)}" />`)
  .join('\n    ');

const template = await readFile(join(root, 'src/index.html'), 'utf8');
const html = template
  .replaceAll('%JS%', `${BASE}assets/${assets.js}`)
  .replaceAll('%CSS%', `${BASE}assets/${assets.css}`)
  .replaceAll('%ICON%', `${BASE}assets/${assets.icon}`)
  .replace('%PRELOADS%', preloads);
await writeFile(join(dist, 'index.html'), html);

const size = async (file) => {
  const bytes = await readFile(join(dist, 'assets', file));
  return { bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
};
// The sizes docs/console.md quotes, and a test holds the JavaScript under its budget.
const chunks = outputs.filter((name) => name.startsWith('chunk-') && name.endsWith('.js'));
const manifest = {
  assets,
  sizes: { js: await size(assets.js), css: await size(assets.css) },
  // Loaded on demand (admin screens, QR encoder) or shared between those and the app.
  chunks: Object.fromEntries(await Promise.all(chunks.map(async (name) => [name, await size(name)]))),
};
await writeFile(join(dist, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
console.log(
  `console built: ${assets.js} ${kb(manifest.sizes.js.bytes)} (${kb(manifest.sizes.js.gzip)} gzipped), ` +
    `${assets.css} ${kb(manifest.sizes.css.bytes)} (${kb(manifest.sizes.css.gzip)} gzipped)` +
    Object.entries(manifest.chunks)
      .map(([name, sized]) => `, ${name} ${kb(sized.bytes)} (${kb(sized.gzip)} gzipped)`)
      .join(''),
);
