import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatehouseError, GatehouseSDK, type GatehouseSDKOptions } from '../src/index.js';
import { startTokenStub, type TokenStub, type TokenStubOptions } from './support/token-stub.js';

/*
 * Refresh behaviour (SDK.md) against a stub with exact timing control. The same promises are checked
 * against the real server in server-tokens.test.ts.
 */

let stub: TokenStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** An SDK resuming a token session whose access token the server no longer accepts. */
async function staleSession(options: Partial<GatehouseSDKOptions> = {}, stubOptions: TokenStubOptions = {}) {
  stub = await startTokenStub(stubOptions);
  const sdk = new GatehouseSDK({
    appUrl: stub.url,
    accessToken: 'access-expired',
    refreshToken: stub.validRefreshToken,
    ...options,
  });
  return { sdk, server: stub };
}

const REFRESH_FAILED = { name: 'GatehouseError', code: 'REFRESH_FAILED', status: 401 };

describe('refresh on 401 (token mode)', () => {
  it('refreshes, retries the request with the new access token, and returns the retried answer', async () => {
    const { sdk, server } = await staleSession();
    await expect(sdk.authentication.getLoggedInUser()).resolves.toMatchObject({ _id: 'u1' });
    const me = server.requestsTo('/api/me');
    expect(me.map((r) => r.headers.authorization)).toEqual(['Bearer access-expired', 'Bearer access-2']);
    expect(server.refreshCalls()).toHaveLength(1);
    expect(await sdk.auth.getTokenSet()).toMatchObject({
      accessToken: 'access-2',
      refreshToken: 'refresh-2',
    });
  });

  it('sends exactly one refresh for 50 concurrent 401s and every request succeeds', async () => {
    // 401s keep arriving before, during and after the refresh (30 ms) completes.
    const { sdk, server } = await staleSession({}, { refreshDelayMs: 30, meDelayMs: (i) => (i % 10) * 8 });
    const results = await Promise.all(Array.from({ length: 50 }, () => sdk.authentication.getLoggedInUser()));
    expect(results).toHaveLength(50);
    expect(results.every((user) => user._id === 'u1')).toBe(true);
    expect(server.refreshCalls()).toHaveLength(1);
    const retried = server.requestsTo('/api/me').filter((r) => r.headers.authorization === 'Bearer access-2');
    expect(retried).toHaveLength(50);
  });

  it('sends the refresh token as the bearer credential and nothing else that authenticates', async () => {
    const { sdk, server } = await staleSession({
      headers: { 'x-api-key': 'custom-key', 'x-tenant': 'acme' },
    });
    await sdk.authentication.getLoggedInUser();
    const [refresh] = server.refreshCalls();
    expect(refresh?.headers.authorization).toBe('Bearer refresh-1');
    expect(refresh?.headers['x-api-key']).toBeUndefined();
    expect(refresh?.headers.cookie).toBeUndefined();
    expect(refresh?.headers['x-tenant']).toBe('acme');
  });

  it('keeps method, body and custom headers when retrying after a refresh', async () => {
    const { sdk, server } = await staleSession({ headers: { 'x-tenant': 'acme' } });
    sdk.setCustomHeader('x-client', 'tests');
    await sdk.authentication.updateLoggedInUser({ firstName: 'Ada' }, { headers: { 'x-trace': 't-1' } });
    const attempts = server.requestsTo('/api/me');
    expect(attempts).toHaveLength(2);
    for (const attempt of attempts) {
      expect(attempt.method).toBe('POST');
      expect(JSON.parse(attempt.body)).toEqual({ firstName: 'Ada' });
      expect(attempt.headers).toMatchObject({ 'x-tenant': 'acme', 'x-client': 'tests', 'x-trace': 't-1' });
    }
  });

  it('uses each rotated refresh token once, in order', async () => {
    const { sdk, server } = await staleSession();
    await sdk.authentication.getLoggedInUser();
    await sdk.auth.setTokenSet({ ...(await sdk.auth.getTokenSet())!, accessToken: 'access-expired-again' });
    await sdk.authentication.getLoggedInUser();
    expect(server.refreshCalls().map((r) => r.headers.authorization)).toEqual([
      'Bearer refresh-1',
      'Bearer refresh-2',
    ]);
  });

  it('retries once only: a second 401 is returned as the error', async () => {
    const { sdk, server } = await staleSession();
    server.failRefreshWith({
      status: 200,
      body: { payload: { token: 'still-wrong', refreshToken: 'r', expiresIn: 600 } },
    });
    const error = await sdk.authentication.getLoggedInUser().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 401, code: 'INVALID_TOKEN' });
    expect(server.requestsTo('/api/me')).toHaveLength(2);
    expect(server.refreshCalls()).toHaveLength(1);
  });
});

describe('proactive refresh', () => {
  it('refreshes before sending when the access token expires within refreshSkewSeconds, once for 50 requests', async () => {
    const { sdk, server } = await staleSession({}, { refreshDelayMs: 20 });
    await sdk.auth.setTokenSet({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      expiresAt: Date.now() + 10_000,
    });
    await Promise.all(Array.from({ length: 50 }, () => sdk.authentication.getLoggedInUser()));
    expect(server.refreshCalls()).toHaveLength(1);
    // No request went out with the old token: none of them had to be retried.
    expect(server.requestsTo('/api/me')).toHaveLength(50);
    expect(server.requestsTo('/api/me').every((r) => r.headers.authorization === 'Bearer access-2')).toBe(
      true,
    );
  });

  it('does not refresh a token that is valid beyond the skew', async () => {
    const { sdk, server } = await staleSession({ refreshSkewSeconds: 5 });
    await sdk.auth.setTokenSet({
      accessToken: 'access-1',
      refreshToken: 'refresh-1',
      expiresAt: Date.now() + 10_000,
    });
    await sdk.authentication.getLoggedInUser();
    expect(server.refreshCalls()).toHaveLength(0);
  });
});

describe('failed refresh', () => {
  it('calls onFailedRefreshToken once for 20 concurrent requests and rejects them all with REFRESH_FAILED', async () => {
    const onFailedRefreshToken = vi.fn(async () => null);
    const { sdk, server } = await staleSession({ onFailedRefreshToken }, { refreshDelayMs: 20 });
    server.failRefreshWith({ status: 401, body: { code: 'INVALID_TOKEN', message: 'Refresh token reused' } });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => sdk.authentication.getLoggedInUser()),
    );
    expect(onFailedRefreshToken).toHaveBeenCalledTimes(1);
    expect(server.refreshCalls()).toHaveLength(1);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as GatehouseError;
      expect(reason).toBeInstanceOf(GatehouseError);
      expect(reason).toMatchObject(REFRESH_FAILED);
      expect(reason.message).toBe('Failed to refresh token: Refresh token reused');
    }
  });

  it('does not call onFailedRefreshToken again for requests whose 401 arrives after the failed refresh ended', async () => {
    const onFailedRefreshToken = vi.fn(async () => null);
    // The first request's 401 comes at once; the others' 150 ms later, when the failed refresh has removed the set.
    const { sdk, server } = await staleSession(
      { onFailedRefreshToken },
      { meDelayMs: (i) => (i === 0 ? 0 : 150) },
    );
    server.failRefreshWith({ status: 401, body: { code: 'INVALID_TOKEN', message: 'Refresh token reused' } });
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, () => sdk.authentication.getLoggedInUser()),
    );
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(5).fill('rejected'));
    for (const outcome of outcomes)
      expect((outcome as PromiseRejectedResult).reason).toMatchObject(REFRESH_FAILED);
    expect(onFailedRefreshToken).toHaveBeenCalledTimes(1);
    expect(server.refreshCalls()).toHaveLength(1);
  });

  it('rejects with REFRESH_FAILED when no onFailedRefreshToken is configured', async () => {
    const { sdk, server } = await staleSession();
    server.failRefreshWith({ status: 401, body: { code: 'INVALID_TOKEN', message: 'expired' } });
    const error = await sdk.authentication.getLoggedInUser().catch((caught: unknown) => caught);
    expect(error).toMatchObject(REFRESH_FAILED);
    expect((error as Error).message).toMatch(/^Failed to refresh token/);
  });

  it('uses the access token onFailedRefreshToken returns and retries with it', async () => {
    const { sdk, server } = await staleSession({ onFailedRefreshToken: async () => server.validAccessToken });
    server.failRefreshWith({ status: 401, body: { code: 'INVALID_TOKEN', message: 'dead family' } });
    await expect(sdk.authentication.getLoggedInUser()).resolves.toMatchObject({ _id: 'u1' });
    expect(server.requestsTo('/api/me').at(-1)?.headers.authorization).toBe('Bearer access-1');
  });

  it('forgets tokens the server refused, but keeps them through an outage', async () => {
    const { sdk, server } = await staleSession();
    server.failRefreshWith({ status: 503, body: { code: 'SERVICE_UNAVAILABLE', message: 'down' } });
    await expect(sdk.authentication.getLoggedInUser()).rejects.toMatchObject(REFRESH_FAILED);
    expect(await sdk.auth.getTokenSet()).not.toBeNull();
    server.failRefreshWith({ status: 401, body: { code: 'INVALID_TOKEN', message: 'revoked' } });
    await expect(sdk.authentication.getLoggedInUser()).rejects.toMatchObject(REFRESH_FAILED);
    expect(await sdk.auth.getTokenSet()).toBeNull();
  });

  it('does not bring tokens back when they are cleared while a refresh is in flight', async () => {
    const { sdk } = await staleSession({}, { refreshDelayMs: 100 });
    const pending = sdk.authentication.getLoggedInUser().catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await sdk.auth.clearTokenSet();
    expect(await pending).toMatchObject(REFRESH_FAILED);
    expect(await sdk.auth.getTokenSet()).toBeNull();
  });

  it('leaves no tokens behind when logout overlaps a refresh', async () => {
    const { sdk, server } = await staleSession({}, { refreshDelayMs: 100 });
    const pending = sdk.authentication.getLoggedInUser().catch((caught: unknown) => caught);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await sdk.authentication.logout();
    await pending;
    expect(await sdk.auth.getTokenSet()).toBeNull();
    // Logout waited for the shared refresh and then signed out with the fresh token, so the new family is revoked too.
    expect(server.requestsTo('/api/logout').at(-1)?.headers.authorization).toBe('Bearer access-2');
    expect(server.refreshCalls()).toHaveLength(1);
  });
});

describe('when the SDK never refreshes', () => {
  it('does not refresh with forceRefresh: false, globally or per request', async () => {
    const { sdk, server } = await staleSession({ forceRefresh: false });
    await expect(sdk.authentication.getLoggedInUser()).rejects.toMatchObject({
      status: 401,
      code: 'INVALID_TOKEN',
    });
    const perRequest = new GatehouseSDK({
      appUrl: server.url,
      accessToken: 'access-expired',
      refreshToken: 'refresh-1',
    });
    await expect(perRequest.authentication.getLoggedInUser({ forceRefresh: false })).rejects.toMatchObject({
      status: 401,
    });
    expect(server.refreshCalls()).toHaveLength(0);
  });

  it('never refreshes in API-token mode, even with forceRefresh and a stored token set', async () => {
    const { sdk, server } = await staleSession({ apiToken: 'gh_revoked', forceRefresh: true });
    await expect(sdk.authentication.getLoggedInUser({ forceRefresh: true })).rejects.toMatchObject({
      status: 401,
    });
    expect(server.refreshCalls()).toHaveLength(0);
    const [request] = server.requestsTo('/api/me');
    expect(request?.headers['x-api-key']).toBe('gh_revoked');
    expect(request?.headers.authorization).toBeUndefined();
  });

  it('never refreshes in cookie mode', async () => {
    const { sdk, server } = await staleSession({ mode: 'session', forceRefresh: true });
    await expect(sdk.authentication.getLoggedInUser()).rejects.toMatchObject({ status: 401 });
    expect(server.refreshCalls()).toHaveLength(0);
    expect(server.requestsTo('/api/me')[0]?.headers.authorization).toBeUndefined();
  });
});

describe('explicit refreshToken()', () => {
  it('refreshes now and answers the server’s payload', async () => {
    const { sdk, server } = await staleSession();
    const { payload } = await sdk.authentication.refreshToken();
    expect(payload).toMatchObject({ token: 'access-2', refreshToken: 'refresh-2', expiresIn: 600 });
    expect(server.refreshCalls()).toHaveLength(1);
  });

  it('swaps a given refresh token for a pair and switches to token mode', async () => {
    stub = await startTokenStub();
    const sdk = new GatehouseSDK({ appUrl: stub.url });
    await sdk.authentication.refreshToken(stub.validRefreshToken);
    await expect(sdk.authentication.getLoggedInUser()).resolves.toMatchObject({ _id: 'u1' });
    expect(stub.requestsTo('/api/me')[0]?.headers.authorization).toBe('Bearer access-2');
  });
});
