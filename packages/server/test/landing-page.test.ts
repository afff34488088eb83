import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';

/** `GET /` (issue 14): what this server is and where to go, under a policy that allows no script at all. */
describe('the landing page at /', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ env: { GATEHOUSE_PRODUCT_NAME: 'Acme Sign-in' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers a small HTML page linking the console, the API reference, OpenID discovery and health', async () => {
    const res = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain('<h1>Acme Sign-in</h1>');
    const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((match) => match[1]);
    expect(hrefs).toEqual(['/console/', '/docs', '/.well-known/openid-configuration', '/health/ready']);
    // Every link leads somewhere that answers.
    for (const href of hrefs.slice(1)) expect((await fetch(`${server.url}${href}`)).status, href).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('runs under a strict policy: no script, its one style allowed by hash, no framing', async () => {
    const res = await fetch(`${server.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(
      /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'$/,
    );
    expect(csp).not.toContain('unsafe');
    const html = await res.text();
    expect(html).not.toMatch(/<script/i);
    // The hash in the policy is the hash of the page's style, so a browser applies it.
    const style = /<style>([\s\S]*)<\/style>/.exec(html)?.[1] ?? '';
    const { createHash } = await import('node:crypto');
    expect(csp).toContain(`'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('says nothing secret: no version, configuration, database or key material', async () => {
    const html = await (await fetch(`${server.url}/`)).text();
    expect(html).not.toMatch(/version|postgres|sqlite|secret|key|GATEHOUSE_/i);
  });
});
