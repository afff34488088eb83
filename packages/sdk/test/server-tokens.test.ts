import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  GatehouseError,
  GatehouseSDK,
  type GatehouseSDKOptions,
  MemoryTokenStore,
  type TokenSet,
  type TokenStore,
} from '../src/index.js';
import {
  adjustableClock,
  startTestServer,
  type TestServer,
  testDatabases,
  uniqueEmail,
} from './support/gatehouse-server.js';
import { recordingFetch } from './support/recording-fetch.js';

/*
 * Token sessions and refresh (SDK.md "Refresh behaviour") against the real server.
 * Endpoints: POST /api/signin and /api/signup with authType 'oauth', POST /api/token/refresh,
 * POST /api/logout with a bearer token, GET/POST /api/me.
 */

const PASSWORD = 'correct horse battery staple';
const ACCESS_TTL_SECONDS = 600;

describe.each(testDatabases)('token sessions on %s', (database) => {
  let server: TestServer;
  const clock = adjustableClock();
  beforeAll(async () => {
    server = await startTestServer({
      database,
      now: clock.now,
      env: {
        GATEHOUSE_ACCESS_TOKEN_TTL: String(ACCESS_TTL_SECONDS),
        GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000',
      },
    });
  });
  afterAll(() => server.close());

  /** A user signed in with a token pair, through an SDK whose every request is recorded. */
  async function tokenSession(options: Partial<GatehouseSDKOptions> = {}) {
    const email = uniqueEmail();
    await new GatehouseSDK({ appUrl: server.url }).authentication.signup({ email, password: PASSWORD });
    const recorder = recordingFetch();
    const sdk = new GatehouseSDK({ appUrl: server.url, fetch: recorder.fetch, ...options });
    const signin = await sdk.authentication.oAuthSignin({ username: email, password: PASSWORD });
    return { sdk, recorder, email, signin };
  }

  /** Moves the server's clock past the access token's lifetime; the SDK's own clock still thinks it valid. */
  const expireAccessTokensOnServer = () => clock.advance((ACCESS_TTL_SECONDS + 60) * 1000);

  it('signs in for a token pair, stores it, and authenticates with it as a bearer token', async () => {
    const before = Date.now();
    const { sdk, recorder, email, signin } = await tokenSession();
    expect(signin.payload).toMatchObject({
      token: expect.any(String),
      refreshToken: expect.any(String),
      expiresIn: ACCESS_TTL_SECONDS,
      tokenType: 'Bearer',
      user: { email },
    });
    const tokens = await sdk.auth.getTokenSet();
    expect(tokens).toMatchObject({
      accessToken: signin.payload.token,
      refreshToken: signin.payload.refreshToken,
    });
    expect(tokens!.expiresAt).toBeGreaterThanOrEqual(before + ACCESS_TTL_SECONDS * 1000);
    await expect(sdk.authentication.getLoggedInUser()).resolves.toMatchObject({ email });
    const me = recorder.callsTo('/api/me')[0];
    expect(me?.headers['authorization']).toBe(`Bearer ${signin.payload.token}`);
    expect(me?.headers['cookie']).toBeUndefined();
    // The sign-in itself carried no credential.
    expect(recorder.callsTo('/api/signin')[0]?.headers['authorization']).toBeUndefined();
  });

  it('signs up for a token pair with oAuthSignup', async () => {
    const sdk = new GatehouseSDK({ appUrl: server.url });
    const email = uniqueEmail();
    const { payload } = await sdk.authentication.oAuthSignup({ email, password: PASSWORD });
    expect(payload.token).toEqual(expect.any(String));
    await expect(sdk.authentication.getLoggedInUser()).resolves.toMatchObject({ email });
  });

  it('sends exactly one refresh for 50 concurrent 401s with an expired access token, and all 50 succeed', async () => {
    const { sdk, recorder, email } = await tokenSession();
    const expired = await sdk.auth.getTokenSet();
    expireAccessTokensOnServer();
    const users = await Promise.all(Array.from({ length: 50 }, () => sdk.authentication.getLoggedInUser()));
    expect(users.every((user) => user.email === email)).toBe(true);
    expect(recorder.callsTo('/api/token/refresh')).toHaveLength(1);
    const rejected = recorder.callsTo('/api/me').filter((call) => call.status === 401);
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((call) => call.headers['authorization'] === `Bearer ${expired?.accessToken}`)).toBe(
      true,
    );
    const fresh = await sdk.auth.getTokenSet();
    expect(fresh?.accessToken).not.toBe(expired?.accessToken);
    expect(fresh?.refreshToken).not.toBe(expired?.refreshToken);
  });

  it('refreshes once, before sending, when 50 requests start within refreshSkewSeconds of expiry', async () => {
    const { sdk, recorder } = await tokenSession({ refreshSkewSeconds: 30 });
    const tokens = await sdk.auth.getTokenSet();
    // A 600 s token with 10 s left.
    await sdk.auth.setTokenSet({
      ...tokens!,
      issuedAt: Date.now() - 590_000,
      expiresAt: Date.now() + 10_000,
    });
    await Promise.all(Array.from({ length: 50 }, () => sdk.authentication.getLoggedInUser()));
    expect(recorder.callsTo('/api/token/refresh')).toHaveLength(1);
    const me = recorder.callsTo('/api/me');
    expect(me).toHaveLength(50);
    expect(
      me.every(
        (call) => call.status === 200 && call.headers['authorization'] !== `Bearer ${tokens?.accessToken}`,
      ),
    ).toBe(true);
  });

  it('calls onFailedRefreshToken once when the refresh token is dead, and every waiting request fails with REFRESH_FAILED', async () => {
    const onFailedRefreshToken = vi.fn(async () => undefined);
    const { sdk, recorder } = await tokenSession({ onFailedRefreshToken });
    // Another holder of the same pair logs out, which revokes the whole refresh-token family.
    const other = new GatehouseSDK({ appUrl: server.url });
    await other.auth.setTokenSet((await sdk.auth.getTokenSet())!);
    await other.authentication.logout();
    expireAccessTokensOnServer();

    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, () => sdk.authentication.getLoggedInUser()),
    );
    expect(onFailedRefreshToken).toHaveBeenCalledTimes(1);
    expect(recorder.callsTo('/api/token/refresh')).toHaveLength(1);
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('rejected');
      const reason = (outcome as PromiseRejectedResult).reason as GatehouseError;
      expect(reason).toBeInstanceOf(GatehouseError);
      expect(reason).toMatchObject({ code: 'REFRESH_FAILED', status: 401 });
      expect(reason.message).toMatch(/^Failed to refresh token/);
    }
    expect(await sdk.auth.getTokenSet()).toBeNull();
  });

  it('carries on with the access token onFailedRefreshToken returns', async () => {
    const { email } = await tokenSession();
    const recovery = new GatehouseSDK({ appUrl: server.url });
    const onFailedRefreshToken = vi.fn(async () => {
      const { payload } = await recovery.authentication.oAuthSignin({ email, password: PASSWORD });
      return payload.token;
    });
    const sdk = new GatehouseSDK({
      appUrl: server.url,
      accessToken: 'not-a-valid-token',
      refreshToken: 'not-valid-either',
      onFailedRefreshToken,
    });
    await expect(sdk.authentication.getLoggedInUser()).resolves.toMatchObject({ email });
    expect(onFailedRefreshToken).toHaveBeenCalledTimes(1);
  });

  it('keeps custom headers across the refresh and the retry, and sends only the refresh token to the refresh endpoint', async () => {
    const { sdk, recorder, signin } = await tokenSession({ headers: { 'x-tenant': 'acme' } });
    sdk.setCustomHeader('x-request-source', 'sdk-tests');
    expireAccessTokensOnServer();
    const updated = await sdk.authentication.updateLoggedInUser(
      { firstName: 'Grace' },
      { headers: { 'x-trace': 't-42' } },
    );
    expect(updated.firstName).toBe('Grace');

    const attempts = recorder.callsTo('/api/me').filter((call) => call.method === 'POST');
    expect(attempts.map((call) => call.status)).toEqual([401, 200]);
    for (const attempt of attempts) {
      expect(attempt.headers).toMatchObject({
        'x-tenant': 'acme',
        'x-request-source': 'sdk-tests',
        'x-trace': 't-42',
      });
    }
    const [refresh] = recorder.callsTo('/api/token/refresh');
    expect(refresh?.headers['authorization']).toBe(`Bearer ${signin.payload.refreshToken}`);
    expect(refresh?.headers['x-tenant']).toBe('acme');
    expect(refresh?.headers['x-api-key']).toBeUndefined();
  });

  it('resumes a token session from accessToken and refreshToken options', async () => {
    const { signin, email } = await tokenSession();
    const resumed = new GatehouseSDK({
      appUrl: server.url,
      accessToken: signin.payload.token,
      refreshToken: signin.payload.refreshToken,
    });
    await expect(resumed.authentication.getLoggedInUser()).resolves.toMatchObject({ email });
    const { payload } = await resumed.authentication.refreshToken();
    expect(payload.refreshToken).not.toBe(signin.payload.refreshToken);
  });

  it('revokes the refresh-token family at logout, so the old refresh token no longer refreshes', async () => {
    const { sdk, signin } = await tokenSession();
    await sdk.authentication.logout();
    expect(await sdk.auth.getTokenSet()).toBeNull();
    const error = await new GatehouseSDK({ appUrl: server.url }).authentication
      .refreshToken(signin.payload.refreshToken)
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'REFRESH_FAILED', status: 401 });
  });

  it('refreshes an expired access token before logout, so the server can still revoke the family', async () => {
    const written: (TokenSet | null)[] = [];
    const store = new MemoryTokenStore();
    const tokenStore: TokenStore = {
      get: () => store.get(),
      set: async (tokens) => {
        written.push(tokens);
        await store.set(tokens);
      },
    };
    const { sdk, recorder } = await tokenSession({ tokenStore });
    const tokens = await sdk.auth.getTokenSet();
    await sdk.auth.setTokenSet({ ...tokens!, expiresAt: Date.now() - 1000 });
    expireAccessTokensOnServer();
    await sdk.authentication.logout();

    expect(recorder.calls.slice(-2).map((call) => `${call.path} ${call.status}`)).toEqual([
      '/api/token/refresh 200',
      '/api/logout 200',
    ]);
    const rotated = written.filter((t): t is TokenSet => t !== null).at(-1);
    expect(rotated?.refreshToken).not.toBe(tokens?.refreshToken);
    expect(recorder.callsTo('/api/logout')[0]?.headers['authorization']).toBe(
      `Bearer ${rotated?.accessToken}`,
    );
    expect(written.at(-1)).toBeNull();
    // Logout revoked the family: the rotated refresh token no longer refreshes.
    await expect(
      new GatehouseSDK({ appUrl: server.url }).authentication.refreshToken(rotated!.refreshToken),
    ).rejects.toMatchObject({ code: 'REFRESH_FAILED', status: 401 });
  });
});
