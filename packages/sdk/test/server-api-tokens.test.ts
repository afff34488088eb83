import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseError, GatehouseSDK } from '../src/index.js';
import { startTestServer, type TestServer, testDatabases, uniqueEmail } from './support/gatehouse-server.js';
import { recordingFetch } from './support/recording-fetch.js';

/*
 * API tokens against the real server. Endpoints: GET/POST /api/me/api-tokens,
 * DELETE /api/me/api-tokens/:id, x-api-key authentication on GET /api/me; the refresh test also
 * uses POST /api/signin with authType 'oauth'.
 */

const PASSWORD = 'correct horse battery staple';
const inAYear = () => new Date(Date.now() + 365 * 24 * 60 * 60 * 1000).toISOString();

describe.each(testDatabases)('API tokens on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000' } });
  });
  afterAll(() => server.close());

  async function signedIn() {
    const email = uniqueEmail();
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await sdk.authentication.signup({ email, password: PASSWORD });
    return { sdk, email };
  }

  it('creates a token whose secret is returned once, lists it without the secret, and revokes it', async () => {
    const { sdk } = await signedIn();
    const { token, apiToken } = await sdk.authentication.createApiToken({
      nickname: 'CI pipeline',
      expiresAt: inAYear(),
    });
    expect(token).toEqual(expect.any(String));
    expect(apiToken).toMatchObject({
      _id: expect.any(String),
      nickname: 'CI pipeline',
      workspace: null,
      usageCount: 0,
    });
    expect(token.startsWith(apiToken.tokenPrefix)).toBe(true);

    const listed = await sdk.authentication.listApiTokens();
    expect(listed.map((t) => t._id)).toEqual([apiToken._id]);
    expect(JSON.stringify(listed)).not.toContain(token);

    await expect(sdk.authentication.deleteApiToken(apiToken._id)).resolves.toEqual({
      message: expect.any(String),
    });
    expect(await sdk.authentication.listApiTokens()).toEqual([]);
    await expect(sdk.authentication.deleteApiToken(apiToken._id)).rejects.toMatchObject({ status: 404 });
  });

  it('signs in with an API token: x-api-key on every request, returning the token’s user', async () => {
    const { sdk, email } = await signedIn();
    const { token } = await sdk.authentication.createApiToken({ nickname: 'script', expiresAt: inAYear() });
    const recorder = recordingFetch();
    const script = new GatehouseSDK({ appUrl: server.url, fetch: recorder.fetch });
    await expect(script.authentication.apiTokenSignin(token)).resolves.toMatchObject({ email });
    await script.authentication.getLoggedInUser();
    expect(recorder.calls.every((call) => call.headers['x-api-key'] === token)).toBe(true);
    expect(recorder.calls.some((call) => call.headers['authorization'] !== undefined)).toBe(false);
  });

  it('accepts the API token given to the constructor', async () => {
    const { sdk, email } = await signedIn();
    const { token } = await sdk.authentication.createApiToken({ nickname: 'server', expiresAt: inAYear() });
    const script = new GatehouseSDK({ appUrl: server.url, apiToken: token });
    await expect(script.authentication.getLoggedInUser()).resolves.toMatchObject({ email });
  });

  it('is refused token management with an API token (403 CREDENTIAL_NOT_ALLOWED)', async () => {
    const { sdk } = await signedIn();
    const { token } = await sdk.authentication.createApiToken({ nickname: 'script', expiresAt: inAYear() });
    const script = new GatehouseSDK({ appUrl: server.url, apiToken: token });
    const error = await script.authentication
      .createApiToken({ nickname: 'escalation', expiresAt: inAYear() })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ status: 403, code: 'CREDENTIAL_NOT_ALLOWED' });
    await expect(script.authentication.listApiTokens()).rejects.toMatchObject({ status: 403 });
  });

  it('never refreshes in API-token mode, even with forceRefresh and a stored token pair', async () => {
    const { sdk, email } = await signedIn();
    const { token, apiToken } = await sdk.authentication.createApiToken({
      nickname: 'revoked soon',
      expiresAt: inAYear(),
    });
    const pair = await new GatehouseSDK({ appUrl: server.url }).authentication.oAuthSignin({
      email,
      password: PASSWORD,
    });
    const recorder = recordingFetch();
    const script = new GatehouseSDK({
      appUrl: server.url,
      fetch: recorder.fetch,
      apiToken: token,
      accessToken: 'expired-access-token',
      refreshToken: pair.payload.refreshToken,
      forceRefresh: true,
    });
    await expect(script.authentication.getLoggedInUser()).resolves.toMatchObject({ email });
    await sdk.authentication.deleteApiToken(apiToken._id);
    await expect(script.authentication.getLoggedInUser({ forceRefresh: true })).rejects.toMatchObject({
      status: 401,
    });
    expect(recorder.callsTo('/api/token/refresh')).toHaveLength(0);
    expect(recorder.calls.every((call) => call.headers['authorization'] === undefined)).toBe(true);
  });
});
