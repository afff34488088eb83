import { describe, expect, it } from 'vitest';
import { bundleSdk } from './support/sdk-bundle.js';

/*
 * The SDK's size as browsers download it (esbuild, minified, gzip -9), checked on every `npm test`.
 * Budgets (docs/sdk.md "Bundle size"): 12 kB for the whole SDK, 6 kB for what `sdk.oauth2` adds.
 */
const WHOLE_SDK_BUDGET = 12_000;
const OAUTH2_BUDGET = 6_000;

describe('bundle size', () => {
  it('keeps the whole SDK within 12 kB gzipped, built only from its own modules', async () => {
    const whole = await bundleSdk("export * from './src/index.ts';");
    console.info(`@gatehouse/sdk: ${whole.bytes} B minified, ${whole.gzipBytes} B gzipped`);
    expect(whole.gzipBytes).toBeLessThanOrEqual(WHOLE_SDK_BUDGET);
    // Zero dependencies: every module in the bundle is the SDK's own source (platform neutral, so no node: import either).
    expect(whole.inputs.filter((input) => !input.startsWith('src/'))).toEqual([]);
  });

  it('tree-shakes sdk.oauth2 on its own to within 6 kB gzipped', async () => {
    const oauth2 = await bundleSdk("export { OAuth2 } from './src/oauth2/oauth2.ts';");
    const withCore = await bundleSdk(
      "export { OAuth2 } from './src/oauth2/oauth2.ts'; export { GatehouseClient } from './src/client.ts';",
    );
    console.info(
      `sdk.oauth2 alone: ${oauth2.gzipBytes} B gzipped; with the request core it runs on: ${withCore.gzipBytes} B`,
    );
    expect(oauth2.gzipBytes).toBeLessThanOrEqual(OAUTH2_BUDGET);
    // The OAuth client is not the request core: the core (refresh, retry, cookies) is left out of it.
    expect(oauth2.inputs).not.toContain('src/client.ts');
    expect(withCore.inputs).toContain('src/client.ts');
  });
});
