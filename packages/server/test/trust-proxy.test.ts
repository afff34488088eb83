import { createServer, request as httpRequest, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { loopback, requestFrom } from './support/addresses.js';
import { CHEAP_HASHES, startTestServer, type TestServer } from './support/server.js';

/** The proxy connects to Gatehouse from this address, so Gatehouse sees it as the socket peer. */
const PROXY_ADDRESS = loopback(9);

/**
 * A reverse proxy as nginx or a load balancer does it: forwards to Gatehouse from PROXY_ADDRESS and appends
 * the address its client connected from to X-Forwarded-For (keeping whatever the client sent before it).
 */
async function startProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const proxy: Server = createServer((incoming, outgoing) => {
    const forwarded = [incoming.headers['x-forwarded-for'], incoming.socket.remoteAddress]
      .filter(Boolean)
      .join(', ');
    const upstream = httpRequest(
      `${target}${incoming.url}`,
      {
        method: incoming.method,
        localAddress: PROXY_ADDRESS,
        agent: false,
        headers: { ...incoming.headers, 'x-forwarded-for': forwarded },
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => proxy.close(() => resolve())),
  };
}

/** The client address Gatehouse settled on, as it records it for the session (GET /api/me/sessions). */
async function seenAddress(
  server: TestServer,
  via: string,
  from: string,
  spoofed?: string,
): Promise<string | null> {
  const user = await server.createUser();
  const headers: Record<string, string> = spoofed ? { 'x-forwarded-for': spoofed } : {};
  const signIn = await requestFrom(from, `${via}/api/signin`, {
    body: { username: user.email, password: user.password },
    headers,
  });
  expect(signIn.status).toBe(200);
  const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
  const sessions = await requestFrom(from, `${via}/api/me/sessions`, { headers: { ...headers, cookie } });
  return (sessions.body as unknown as Array<{ ip: string | null }>)[0]?.ip ?? null;
}

describe.each([
  // [GATEHOUSE_TRUST_PROXY, via proxy with a spoofed header, directly with a spoofed header]
  ['false', PROXY_ADDRESS, loopback(31)],
  ['true', '203.0.113.7', '203.0.113.7'],
  ['1', loopback(30), '203.0.113.7'],
  [PROXY_ADDRESS, loopback(30), loopback(31)],
  ['127.0.0.8/30', loopback(30), loopback(31)],
])('GATEHOUSE_TRUST_PROXY=%s through a real proxy hop', (trust, viaProxy, direct) => {
  let server: TestServer;
  let proxy: { url: string; close(): Promise<void> };
  beforeAll(async () => {
    server = await startTestServer({ env: { ...CHEAP_HASHES, GATEHOUSE_TRUST_PROXY: trust } });
    proxy = await startProxy(server.url);
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  it(`takes ${viaProxy} as the client behind the proxy, and ${direct} for a direct client with a spoofed header`, async () => {
    expect(await seenAddress(server, proxy.url, loopback(30), '203.0.113.7')).toBe(viaProxy);
    expect(await seenAddress(server, server.url, loopback(31), '203.0.113.7')).toBe(direct);
  });
});

describe('GATEHOUSE_TRUST_PROXY behind a proxy', () => {
  it('gives each client behind a trusted proxy its own per-IP sign-in budget, which its own X-Forwarded-For cannot move', async () => {
    const server = await startTestServer({
      env: { ...CHEAP_HASHES, GATEHOUSE_TRUST_PROXY: '1', GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '2' },
    });
    const proxy = await startProxy(server.url);
    try {
      const attempt = (from: string, via: string, spoofed?: string) =>
        requestFrom(from, `${via}/api/signin`, {
          body: { username: 'nobody@example.test', password: 'wrong-password' },
          ...(spoofed && { headers: { 'x-forwarded-for': spoofed } }),
        });
      for (let i = 0; i < 2; i += 1) expect((await attempt(loopback(40), proxy.url)).status).toBe(401);
      expect((await attempt(loopback(40), proxy.url)).status).toBe(429);
      // Another user behind the same proxy still has a budget; a client's own X-Forwarded-For moves nothing.
      expect((await attempt(loopback(41), proxy.url, '198.51.100.1')).status).toBe(401);
      expect((await attempt(loopback(40), proxy.url, '198.51.100.2')).status).toBe(429);
    } finally {
      await proxy.close();
      await server.close();
    }
  });

  it('refuses a value that is neither a boolean, a hop count nor addresses', () => {
    for (const value of ['yes', '10.0.0.0/33', '10.0.0.1,nonsense', '::1/129'])
      expect(() => loadConfig({ GATEHOUSE_TRUST_PROXY: value }), value).toThrow(/GATEHOUSE_TRUST_PROXY/);
    expect(loadConfig({ GATEHOUSE_TRUST_PROXY: '10.0.0.0/8, fd00::/8, 192.168.1.1' }).trustProxy).toEqual({
      addresses: ['10.0.0.0/8', 'fd00::/8', '192.168.1.1'],
    });
  });
});
