import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import type * as Sdk from '../../src/index.js';
import { bundleSdk } from './sdk-bundle.js';

/** The page's `window` once the SDK bundle has loaded: the SDK's exports as `window.Gatehouse`. */
export type SdkWindow = Window & { Gatehouse: typeof Sdk };

export interface PageServer {
  /** http://127.0.0.1:PORT: an origin of its own, unlike the servers the page talks to. */
  origin: string;
  /** Opens `path` in a new page of `context` and waits until the SDK is loaded. */
  open(context: BrowserContext, path?: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Serves a blank app page that loads the SDK as an app would ship it (one esbuild ESM bundle of
 * src/index.ts) at every path, so an OAuth redirect back to `/callback` lands on a page with the SDK.
 */
export async function startPageServer(): Promise<PageServer> {
  const bundle = await bundleSdk("export * from './src/index.ts';");
  const html =
    '<!doctype html><meta charset="utf-8"><title>App</title>' +
    '<script type="module">import * as Gatehouse from "/sdk.js"; window.Gatehouse = Gatehouse;</script>';
  const server = createServer((request, response) => {
    const isBundle = request.url === '/sdk.js';
    response.writeHead(200, { 'content-type': isBundle ? 'text/javascript' : 'text/html; charset=utf-8' });
    response.end(isBundle ? bundle.code : html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    async open(context, path = '/') {
      const page = await context.newPage();
      await page.goto(`${origin}${path}`);
      await waitForSdk(page);
      return page;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Waits until the page (after a navigation, say) has loaded the SDK bundle. */
export async function waitForSdk(page: Page): Promise<void> {
  await page.waitForFunction(() => 'Gatehouse' in window);
}
