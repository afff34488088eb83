import type { Browser, Page } from 'playwright-core';

/**
 * The repository's headless Chromium launcher (test/support/browser.ts at the root) and its axe-core scan
 * (test/support/axe.ts, shared with the console's tests), loaded through computed specifiers so the
 * server's TypeScript program stays inside packages/server (as the SDK does).
 */
const launcherModule = new URL('../../../../test/support/browser.ts', import.meta.url).href;
const launcher = (await import(/* @vite-ignore */ launcherModule)) as { launchChromium(): Promise<Browser> };
const axeModule = new URL('../../../../test/support/axe.ts', import.meta.url).href;
const axe = (await import(/* @vite-ignore */ axeModule)) as {
  seriousViolations(page: Page): Promise<string[]>;
};

export function launchChromium(): Promise<Browser> {
  return launcher.launchChromium();
}

/** axe-core's WCAG 2.x A/AA and best-practice rules: the serious and critical violations of the page. */
export function seriousViolations(page: Page): Promise<string[]> {
  return axe.seriousViolations(page);
}
