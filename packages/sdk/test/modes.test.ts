import { afterEach, describe, expect, it } from 'vitest';
import { GatehouseError, GatehouseSDK } from '../src/index.js';
import { type StubHandler, type StubServer, startStubServer } from './support/stub-server.js';

/*
 * Which credential goes on the wire in each mode, and the SDK's own cookie jar outside browsers.
 * The full flows run against the real server in server-session.test.ts.
 */

let stub: StubServer | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

const user = { _id: 'u1', username: 'ada', email: 'ada@example.com', roles: ['user'] };

/** Sign-in sets `sid`, logout clears it, /api/me needs it, /api/auth/callback sets it from a valid rt. */
const cookieServer: StubHandler = (request) => {
  if (request.path === '/api/signin') {
    return {
      body: { payload: { user, workspace: null } },
      headers: { 'set-cookie': 'sid=s3cret; Path=/; HttpOnly; SameSite=Lax' },
    };
  }
  if (request.path === '/api/auth/callback') {
    if (request.query.get('rt') !== 'one-time')
      return { status: 401, body: { code: 'UNAUTHORIZED', message: 'rt used' } };
    return {
      body: { payload: { user, workspace: null } },
      headers: { 'set-cookie': 'sid=social; Path=/; HttpOnly' },
    };
  }
  if (request.path === '/api/logout')
    return { body: {}, headers: { 'set-cookie': 'sid=; Path=/; Max-Age=0' } };
  if (request.path === '/api/me' && request.headers['x-api-key'] === 'gh_valid') return { body: user };
  if (request.path === '/api/me' && request.headers.cookie?.includes('sid=')) return { body: user };
  return { status: 401, body: { code: 'UNAUTHORIZED', message: 'Authentication required' } };
};

async function serve(handler: StubHandler = cookieServer) {
  stub = await startStubServer(handler);
  return stub;
}

describe('cookie sessions outside a browser', () => {
  it('keeps the session cookie from signin and sends it on later calls', async () => {
    const server = await serve();
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await expect(sdk.authentication.signin({ username: 'ada', password: 'pw' })).resolves.toEqual({
      payload: { user, workspace: null },
    });
    await expect(sdk.authentication.getLoggedInUser()).resolves.toEqual(user);
    expect(server.requestsTo('/api/me')[0]?.headers.cookie).toBe('sid=s3cret');
  });

  it('stops sending the cookie after logout, when the server clears it', async () => {
    const server = await serve();
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await sdk.authentication.signin({ username: 'ada', password: 'pw' });
    await sdk.authentication.logout();
    expect(server.requestsTo('/api/logout')[0]?.headers.cookie).toBe('sid=s3cret');
    await expect(sdk.authentication.getLoggedInUser()).rejects.toMatchObject({ status: 401 });
    expect(server.requestsTo('/api/me')[0]?.headers.cookie).toBeUndefined();
  });

  it('forgets the cookie on logout even when the server call fails, and reports the failure', async () => {
    const server = await serve((request) =>
      request.path === '/api/logout'
        ? { status: 500, body: { code: 'INTERNAL_ERROR', message: 'boom' } }
        : cookieServer(request, 0),
    );
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await sdk.authentication.signin({ username: 'ada', password: 'pw' });
    await expect(sdk.authentication.logout()).rejects.toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    await expect(sdk.authentication.getLoggedInUser()).rejects.toMatchObject({ status: 401 });
    expect(server.requestsTo('/api/me')[0]?.headers.cookie).toBeUndefined();
  });

  it('treats a 401 from logout (already signed out) as success', async () => {
    const server = await serve(() => ({
      status: 401,
      body: { code: 'UNAUTHORIZED', message: 'no session' },
    }));
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await expect(sdk.authentication.logout()).resolves.toBeUndefined();
  });

  it('swaps a social one-time rt for a cookie session', async () => {
    const server = await serve();
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await expect(sdk.authentication.exchangeAuthCallback('one-time')).resolves.toMatchObject({
      payload: { user },
    });
    await sdk.authentication.getLoggedInUser();
    expect(server.requestsTo('/api/auth/callback')[0]).toMatchObject({ method: 'POST' });
    expect(server.requestsTo('/api/me')[0]?.headers.cookie).toBe('sid=social');
    await expect(sdk.authentication.exchangeAuthCallback('one-time-used')).rejects.toMatchObject({
      status: 401,
    });
  });
});

describe('credentials per mode', () => {
  it('never sends the access token, API key or a custom credential header to signin', async () => {
    const server = await serve();
    const sdk = new GatehouseSDK({
      appUrl: server.url,
      accessToken: 'old-access',
      refreshToken: 'old-refresh',
      headers: { authorization: 'Basic abc', 'x-tenant': 'acme' },
    });
    await sdk.authentication.signin({ email: 'ada@example.com', password: 'pw', workspace: 'w1' });
    const [signin] = server.requestsTo('/api/signin');
    expect(signin?.headers.authorization).toBeUndefined();
    expect(signin?.headers['x-tenant']).toBe('acme');
    expect(JSON.parse(signin?.body ?? '{}')).toEqual({
      email: 'ada@example.com',
      password: 'pw',
      workspace: 'w1',
    });
  });

  it('sends x-api-key and no cookie in API-token mode', async () => {
    const server = await serve();
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await sdk.authentication.signin({ username: 'ada', password: 'pw' });
    await expect(sdk.authentication.apiTokenSignin('gh_valid')).resolves.toEqual(user);
    const [me] = server.requestsTo('/api/me');
    expect(me?.headers['x-api-key']).toBe('gh_valid');
    expect(me?.headers.cookie).toBeUndefined();
  });

  it('keeps its previous credentials when apiTokenSignin is given a rejected token', async () => {
    const server = await serve();
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await sdk.authentication.signin({ username: 'ada', password: 'pw' });
    await expect(sdk.authentication.apiTokenSignin('gh_revoked')).rejects.toMatchObject({ status: 401 });
    await expect(sdk.authentication.getLoggedInUser()).resolves.toEqual(user);
    expect(server.requestsTo('/api/me').at(-1)?.headers.cookie).toBe('sid=s3cret');
  });

  it('in auto mode prefers a configured API token over stored tokens', async () => {
    const server = await serve();
    const sdk = new GatehouseSDK({
      appUrl: server.url,
      apiToken: 'gh_valid',
      accessToken: 'a',
      refreshToken: 'r',
    });
    await sdk.authentication.getLoggedInUser();
    expect(server.requests[0]?.headers).toMatchObject({ 'x-api-key': 'gh_valid' });
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('sends no credential at all in mode none', async () => {
    const server = await serve();
    const sdk = new GatehouseSDK({
      appUrl: server.url,
      mode: 'none',
      apiToken: 'gh_valid',
      accessToken: 'a',
    });
    await expect(sdk.authentication.getLoggedInUser()).rejects.toMatchObject({ status: 401 });
    expect(server.requests[0]?.headers['x-api-key']).toBeUndefined();
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });
});

describe('social login helpers', () => {
  it('builds the absolute provider URL with state and returnUrl', () => {
    const sdk = new GatehouseSDK({ appUrl: 'https://auth.example.com/' });
    const url = sdk.authentication.getSocialLoginUrl('google', {
      state: 's 1',
      returnUrl: 'https://app.example.com/done?x=1',
    });
    expect(url).toBe(
      'https://auth.example.com/api/auth/google?state=s+1&returnUrl=https%3A%2F%2Fapp.example.com%2Fdone%3Fx%3D1',
    );
    expect(sdk.authentication.getSocialLoginUrl('github')).toBe('https://auth.example.com/api/auth/github');
  });

  it('refuses to navigate outside a browser', () => {
    const sdk = new GatehouseSDK({ appUrl: 'https://auth.example.com' });
    let thrown: unknown;
    try {
      sdk.authentication.startSocialLogin('google');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatehouseError);
    expect(thrown).toMatchObject({ code: 'UNSUPPORTED_ENVIRONMENT' });
  });

  it('navigates a browser to the provider URL', () => {
    const browser = globalThis as {
      document?: unknown;
      location?: { href: string };
      sessionStorage?: unknown;
    };
    const stored = new Map<string, string>();
    browser.document = {};
    browser.location = { href: 'https://app.example.com/login' };
    browser.sessionStorage = { setItem: (k: string, v: string) => stored.set(k, v) };
    try {
      new GatehouseSDK({ appUrl: 'https://auth.example.com' }).authentication.startSocialLogin('github', {
        state: 'xyz',
      });
      expect(browser.location.href).toBe('https://auth.example.com/api/auth/github?state=xyz');
      // Kept for completeSocialLogin to check on the way back.
      expect([...stored.values()]).toEqual(['xyz']);
    } finally {
      delete browser.document;
      delete browser.location;
      delete browser.sessionStorage;
    }
  });

  it('rejects a constructor without a valid appUrl', () => {
    expect(() => new GatehouseSDK({ appUrl: '' })).toThrow(TypeError);
    expect(() => new GatehouseSDK({ appUrl: 'not a url' })).toThrow(TypeError);
  });
});
