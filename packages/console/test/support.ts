import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { seriousViolations } from '../../../test/support/axe.js';
import { launchChromium } from '../../../test/support/browser.js';
import { MANY_SIGN_INS, startTestServer, type TestServer } from '../../server/test/support/server.js';

export { launchChromium, seriousViolations };

/**
 * Where the tests write a screenshot of every page (git-ignored; docs/console.md shows a few), and at which
 * widths: 1280 and 390 px unless CONSOLE_SCREENSHOT_DIR / CONSOLE_SCREENSHOT_WIDTHS say otherwise (such as
 * `1280,360` for the narrowest phone the console supports).
 */
export const SCREENSHOT_DIR =
  process.env['CONSOLE_SCREENSHOT_DIR'] || join(import.meta.dirname, '..', 'screenshots');
const SCREENSHOT_WIDTHS = (process.env['CONSOLE_SCREENSHOT_WIDTHS'] || '1280,390')
  .split(',')
  .map((width) => Number.parseInt(width, 10))
  .filter((width) => width >= 320);

/** A port free right now, so the server's public URL (and so its CSRF origin check) names its real address. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** A Gatehouse on 127.0.0.1 whose public URL is its own address, with sign-up open. */
export async function startConsoleServer(
  env: Record<string, string> = {},
  options: { now?: () => number } = {},
): Promise<TestServer> {
  const port = await freePort();
  return startTestServer({
    ...options,
    port,
    env: {
      GATEHOUSE_PUBLIC_URL: `http://127.0.0.1:${port}`,
      GATEHOUSE_SIGNUP: 'open',
      ...MANY_SIGN_INS,
      ...env,
    },
  });
}

/**
 * A browser context on the console that fails the test on any page error and on any Content-Security-Policy
 * or Trusted Types violation: the console must run under its strict policy, not merely load.
 */
export async function consoleContext(
  browser: Browser,
  options: { width?: number; bypassCSP?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: 900 },
    bypassCSP: options.bypassCSP ?? false,
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|TrustedHTML|Trusted Type/i.test(text)) problems.push(text);
  });
  return { context, page, problems };
}

export async function signIn(page: Page, baseUrl: string, login: string, password: string): Promise<void> {
  await page.goto(`${baseUrl}/console/signin`);
  await page.getByLabel('Email or username').fill(login);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.locator('h1').textContent()).toBe('Profile');
}

/** Opens a console page and waits for its heading and for its lists to finish loading. */
export async function open(page: Page, baseUrl: string, path: string, heading?: string): Promise<void> {
  await page.goto(`${baseUrl}/console${path}`);
  await page.locator('h1').first().waitFor();
  if (heading) await expect.poll(() => page.locator('h1').first().textContent()).toBe(heading);
  await page.locator('.loading').first().waitFor({ state: 'detached', timeout: 10_000 });
}

/** Writes `<name>-1280.png` and `<name>-390.png` (or the widths asked for) of the current page. */
export async function screenshots(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of SCREENSHOT_WIDTHS) {
    await page.setViewportSize({ width, height: width < 720 ? 844 : 900 });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(original);
}

/** True when nothing on the page is wider than a 360 px phone (no sideways scrolling). */
export async function fitsIn360px(page: Page): Promise<boolean> {
  const original = page.viewportSize() ?? { width: 1280, height: 900 };
  await page.setViewportSize({ width: 360, height: 800 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  await page.setViewportSize(original);
  return overflow <= 0;
}
