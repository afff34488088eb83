import { afterEach, describe, expect, it } from 'vitest';
import { GatehouseError, GatehouseSDK } from '../src/index.js';
import { type StubHandler, type StubServer, startStubServer } from './support/stub-server.js';

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function serve(handler: StubHandler): Promise<StubServer> {
  stub = await startStubServer(handler);
  return stub;
}

const ok = { status: 200, body: [{ _id: 'w1', name: 'Acme' }] };

describe('retrying 429 and 503', () => {
  it('waits the Retry-After seconds, then retries a GET and returns its answer', async () => {
    const server = await serve((_r, i) => (i === 0 ? { status: 503, headers: { 'retry-after': '1' } } : ok));
    const sdk = new GatehouseSDK({ appUrl: server.url });
    const started = Date.now();
    await expect(sdk.workspaces.getList()).resolves.toEqual(ok.body);
    expect(server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('accepts Retry-After as an HTTP date', async () => {
    const server = await serve((_r, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': new Date(Date.now() + 1500).toUTCString() } } : ok,
    );
    const sdk = new GatehouseSDK({ appUrl: server.url });
    const started = Date.now();
    await expect(sdk.workspaces.getList()).resolves.toEqual(ok.body);
    expect(server.requests).toHaveLength(2);
    // HTTP dates have one-second resolution, so the wait is between 0.5 and 1.5 s.
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('backs off without Retry-After and gives up after 2 retries by default, with the last answer as the error', async () => {
    const server = await serve(() => ({
      status: 503,
      body: { code: 'SERVICE_UNAVAILABLE', message: 'down' },
    }));
    const sdk = new GatehouseSDK({ appUrl: server.url });
    const error = await sdk.workspaces.getList().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', message: 'down' });
    expect(server.requests).toHaveLength(3);
  });

  it('never repeats a POST by default: it could apply twice', async () => {
    const server = await serve(() => ({ status: 503, headers: { 'retry-after': '0' } }));
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await expect(sdk.workspaces.create({ name: 'Acme' })).rejects.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(1);
  });

  it('follows the configured retry count and methods', async () => {
    const server = await serve(() => ({ status: 429, headers: { 'retry-after': '0' } }));
    const sdk = new GatehouseSDK({ appUrl: server.url, retry: { retries: 4, methods: ['get', 'post'] } });
    await expect(sdk.workspaces.create({ name: 'Acme' })).rejects.toMatchObject({ status: 429 });
    expect(server.requests).toHaveLength(5);
  });

  it('does not retry at all with retry: false', async () => {
    const server = await serve(() => ({ status: 503, headers: { 'retry-after': '0' } }));
    const sdk = new GatehouseSDK({ appUrl: server.url, retry: false });
    await expect(sdk.workspaces.getList()).rejects.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(1);
  });

  it('returns at once instead of retrying early when Retry-After exceeds maxDelayMs', async () => {
    const server = await serve(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    const sdk = new GatehouseSDK({ appUrl: server.url, retry: { maxDelayMs: 1000 } });
    const started = Date.now();
    await expect(sdk.workspaces.getList()).rejects.toMatchObject({ status: 429 });
    expect(server.requests).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(900);
  });
});

describe('timeouts and cancellation', () => {
  it('rejects with TIMEOUT when the server answers later than timeoutMs', async () => {
    const server = await serve(() => ({ ...ok, delayMs: 2000 }));
    const sdk = new GatehouseSDK({ appUrl: server.url, timeoutMs: 100 });
    const started = Date.now();
    const error = await sdk.workspaces.getList().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ status: 0, code: 'TIMEOUT', message: 'Request timed out after 100 ms' });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('rejects with ABORTED when the caller’s signal aborts the request', async () => {
    const server = await serve(() => ({ ...ok, delayMs: 2000 }));
    const sdk = new GatehouseSDK({ appUrl: server.url, timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(sdk.workspaces.getList({}, { signal: controller.signal })).rejects.toMatchObject({
      status: 0,
      code: 'ABORTED',
    });
  });

  it('rejects with ABORTED at once when the signal aborts during a Retry-After wait', async () => {
    const server = await serve(() => ({ status: 503, headers: { 'retry-after': '5' } }));
    const sdk = new GatehouseSDK({ appUrl: server.url });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    await expect(sdk.workspaces.getList({}, { signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.requests).toHaveLength(1);
  });

  it('does not send at all when the signal is already aborted', async () => {
    const server = await serve(() => ok);
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await expect(sdk.workspaces.getList({}, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(server.requests).toHaveLength(0);
  });
});

describe('the request on the wire', () => {
  it('sends custom headers, per-request headers, JSON bodies and escaped ids', async () => {
    const server = await serve(() => ({ status: 200, body: { _id: 'w/1', name: 'Renamed' } }));
    const sdk = new GatehouseSDK({ appUrl: `${server.url}/`, headers: { 'X-Tenant': 'acme' } });
    sdk.setCustomHeader('x-client', 'tests');
    await sdk.workspaces.update('w/1', { name: 'Renamed' }, { headers: { 'x-trace': 't1' } });
    const [request] = server.requests;
    expect(request).toMatchObject({
      method: 'PATCH',
      path: '/api/workspaces/w%2F1',
      body: '{"name":"Renamed"}',
    });
    expect(request?.headers).toMatchObject({
      'x-tenant': 'acme',
      'x-client': 'tests',
      'x-trace': 't1',
      'content-type': 'application/json',
    });
    sdk.removeCustomHeader('X-Client');
    await sdk.workspaces.getList({ bypassAdmin: true });
    expect(server.requests[1]?.headers['x-client']).toBeUndefined();
    expect(server.requests[1]?.query.get('bypassAdmin')).toBe('true');
  });

  it('keeps a base path in appUrl', async () => {
    const server = await serve(() => ok);
    const sdk = new GatehouseSDK({ appUrl: `${server.url}/auth` });
    await sdk.workspaces.getList();
    expect(server.requests[0]?.path).toBe('/auth/api/workspaces');
  });

  it('refuses dot-segment ids that would resolve to another route', async () => {
    const sdk = new GatehouseSDK({ appUrl: 'http://127.0.0.1:9' });
    await expect(sdk.workspaces.getWorkspace('..')).rejects.toThrow(TypeError);
  });

  it('uses a custom fetch when given one', async () => {
    const server = await serve(() => ok);
    const seen: string[] = [];
    const sdk = new GatehouseSDK({
      appUrl: server.url,
      fetch: (input, init) => {
        seen.push(`${init.method} ${input}`);
        return fetch(input, init);
      },
    });
    await sdk.workspaces.getList();
    expect(seen).toEqual([`GET ${server.url}/api/workspaces`]);
  });
});
