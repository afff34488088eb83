import type { Browser } from 'playwright-core';

/**
 * The repository's headless Chromium launcher (test/support/browser.ts at the root), loaded through a
 * computed specifier so the server's TypeScript program stays inside packages/server (as the SDK does).
 */
const launcherModule = new URL('../../../../test/support/browser.ts', import.meta.url).href;
const launcher = (await import(/* @vite-ignore */ launcherModule)) as { launchChromium(): Promise<Browser> };

export function launchChromium(): Promise<Browser> {
  return launcher.launchChromium();
}
