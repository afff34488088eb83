import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page } from 'playwright-core';
import type * as Sdk from '../../src/index.js';
import { bundleSdkSplit } from './sdk-bundle.js';

/** The page's `window` once the SDK bundle has loaded: the SDK's exports as `window.Gatehouse`. */
export type SdkWindow = Window & { Gatehouse: typeof Sdk };

export interface PageServer {
  /** http://127.0.0.1:PORT: an origin of its own, unlike the servers the page talks to. */
  origin: string;
  /** The script paths pages fetched (`/entry.js`, then chunks such as `/engine-….js` as code needs them). */
  chunksServed: string[];
  /** Opens `path` in a new page of `context` and waits until the SDK is loaded. */
  open(context: BrowserContext, path?: string): Promise<Page>;
  close(): Promise<void>;
}

/**
 * Serves a blank app page that loads the SDK as an app would ship it (esbuild ESM bundle of src/index.ts
 * with code splitting, so `sdk.oauth2`'s implementation is a chunk the page fetches on first use) at
 * every path, so an OAuth redirect back to `/callback` lands on a page with the SDK.
 */
export async function startPageServer(): Promise<PageServer> {
  const bundle = await bundleSdkSplit("export * from './src/index.ts';");
  const chunksServed: string[] = [];
  const html =
    '<!doctype html><meta charset="utf-8"><title>App</title>' +
    '<script type="module">import * as Gatehouse from "/entry.js"; window.Gatehouse = Gatehouse;</script>';
  const server = createServer((request, response) => {
    const script = bundle.files.get((request.url ?? '').slice(1));
    if (script !== undefined) chunksServed.push(request.url ?? '');
    response.writeHead(200, {
      'content-type': script !== undefined ? 'text/javascript' : 'text/html; charset=utf-8',
    });
    response.end(script ?? html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    chunksServed,
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
