import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * Issue 14: the packages install as an app installs them. `npm pack` (which builds first, `prepack`) must
 * give tarballs holding the code, the types, a README and the LICENSE; an app that installs them imports
 * them without ERR_MODULE_NOT_FOUND.
 */

const ROOT = join(import.meta.dirname, '../../..');

interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

function npm(args: string[], cwd: string): string {
  return execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
    env: {
      ...process.env,
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    },
  });
}

describe('npm pack', () => {
  it('gives installable tarballs of the SDK and the backend helpers, built and documented', () => {
    const out = mkdtempSync(join(tmpdir(), 'gatehouse-pack-'));
    const packed = JSON.parse(
      npm(
        ['pack', '--json', '--pack-destination', out, '-w', '@gatehouse/sdk', '-w', '@gatehouse/backend'],
        ROOT,
      ),
    ) as PackResult[];
    expect(packed.map((p) => p.name).sort()).toEqual(['@gatehouse/backend', '@gatehouse/sdk']);
    for (const pack of packed) {
      const files = pack.files.map((f) => f.path);
      expect(files).toEqual(
        expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']),
      );
      expect(files.filter((f) => f.startsWith('src/') || f.startsWith('test/'))).toEqual([]);
    }

    const app = mkdtempSync(join(tmpdir(), 'gatehouse-app-'));
    writeFileSync(join(app, 'package.json'), '{"name":"app","private":true,"type":"module"}');
    // jose (the backend's one dependency) is in the npm cache from the checkout's own install.
    npm(
      ['install', '--prefer-offline', '--no-package-lock', ...packed.map((p) => join(out, p.filename))],
      app,
    );
    const loaded = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const sdk = await import('@gatehouse/sdk');
         const backend = await import('@gatehouse/backend');
         console.log(JSON.stringify([typeof sdk.GatehouseSDK, typeof backend.createGatehouseBackend, typeof backend.gatehouseExpress]));`,
      ],
      { cwd: app, encoding: 'utf8' },
    );
    expect(JSON.parse(loaded)).toEqual(['function', 'function', 'function']);
  }, 240_000);
});
