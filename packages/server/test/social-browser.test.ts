import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';
import { startTestServer, type TestServer } from './support/server.js';
import { type OidcIdp, startOidcIdp } from './support/upstream-idp.js';

/** A free port on loopback: Gatehouse must listen where its public URL says, for the provider's redirect. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * The application: a page on its own origin with the Gatehouse SDK (bundled from source as an app would)
 * and a "Continue with Google" button that calls `startSocialLogin`; `/finish` calls `completeSocialLogin`.
 */
async function startApp(gatehouseUrl: string) {
  const sdkEntry = new URL('../../sdk/src/index.ts', import.meta.url).pathname;
  const bundle = await build({
    entryPoints: [sdkEntry],
    bundle: true,
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const sdkCode = bundle.outputFiles[0]?.text ?? '';
  const page = (script: string) =>
    `<!doctype html><meta charset="utf-8"><title>App</title><p id="status">loading</p><button id="google">Continue with Google</button>
<script type="module">
import { createGatehouseClient } from '/sdk.js';
const sdk = createGatehouseClient({ appUrl: ${JSON.stringify(gatehouseUrl)}, auth: { mode: 'session', session: { enabled: true, credentials: 'include' } } });
const status = document.getElementById('status');
${script}
</script>`;
  const start = page(`document.getElementById('google').onclick = () =>
  sdk.authentication.startSocialLogin('google', { returnUrl: location.origin + '/finish' });
status.textContent = 'ready';`);
  const finish = page(`try {
  const { payload } = await sdk.authentication.completeSocialLogin();
  const me = await sdk.authentication.getLoggedInUser();
  status.textContent = 'signed in as ' + me.email + ' / ' + payload.user.email;
} catch (error) { status.textContent = 'failed: ' + error.code; }`);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://app.invalid').pathname;
    const isSdk = path === '/sdk.js';
    response.writeHead(200, { 'content-type': isSdk ? 'text/javascript' : 'text/html; charset=utf-8' });
    response.end(isSdk ? sdkCode : path === '/finish' ? finish : start);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('social login in headless Chromium', () => {
  let browser: Browser;
  let gatehouse: TestServer;
  let idp: OidcIdp;
  let app: Awaited<ReturnType<typeof startApp>>;

  beforeAll(async () => {
    const port = await freePort();
    const gatehouseUrl = `http://127.0.0.1:${port}`;
    app = await startApp(gatehouseUrl);
    [browser, gatehouse, idp] = await Promise.all([
      launchChromium(),
      startTestServer({
        port,
        env: { GATEHOUSE_PUBLIC_URL: gatehouseUrl, GATEHOUSE_ALLOWED_ORIGINS: app.origin },
      }),
      startOidcIdp(gatehouseUrl),
    ]);
    await gatehouse.app.gatehouse.social.providers.set('google', {
      clientId: idp.clients.google.clientId,
      clientSecret: idp.clients.google.clientSecret,
      issuer: idp.issuer,
      returnOrigins: [app.origin],
      enabled: true,
    });
  });
  afterAll(async () => {
    await browser?.close();
    await idp?.close();
    await app?.close();
    await gatehouse?.close();
  });

  /** A fresh profile that reaches only 127.0.0.1 (oidc-provider's pages import a web font). */
  async function isolatedContext(): Promise<BrowserContext> {
    const context = await browser.newContext();
    await context.route(/^https?:\/\/(?!127\.0\.0\.1[:/])/, (route) => route.abort());
    return context;
  }

  it('goes app page → provider login page → back to the app, signed in by cookie, with rt gone from the address bar', async () => {
    const context = await isolatedContext();
    const page = await context.newPage();
    const addresses: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) addresses.push(frame.url());
    });
    await page.goto(app.origin);
    await page.locator('#status', { hasText: 'ready' }).waitFor();
    await page.locator('#google').click();

    // oidc-provider's development login page, then its consent page.
    await page.locator('input[name="login"]').fill('ada-in-chromium');
    await page.locator('input[name="password"]').fill('any password');
    await page.locator('button[type="submit"]').click();
    await page.locator('input[name="prompt"][value="consent"]').waitFor({ state: 'attached' });
    await page.locator('button[type="submit"]').click();

    await page.locator('#status', { hasText: /signed in|failed/ }).waitFor();
    expect(await page.locator('#status').textContent()).toBe(
      'signed in as ada-in-chromium@example.test / ada-in-chromium@example.test',
    );
    // The app was reached with rt in the address, and the SDK took it out again.
    expect(addresses.some((a) => a.startsWith(`${app.origin}/finish?`) && a.includes('rt='))).toBe(true);
    expect(page.url()).toBe(`${app.origin}/finish`);
    const cookies = await context.cookies(gatehouse.url);
    expect(cookies.find((c) => c.name === 'gatehouse_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });
    // The state cookie was spent at the callback.
    expect(cookies.filter((c) => c.name.startsWith('gatehouse_social_state'))).toEqual([]);
    await context.close();
  });
});
