import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';
import { isInvalidTokenResponse, me, refresh, testClock } from './support/token-session.js';

/** The part of the published SDK used here, as its dist/authentication.d.ts declares it. */
interface QelosTokenSignin {
  payload: { token: string; refreshToken: string; user: Record<string, unknown> };
}
interface QelosSDK {
  authentication: {
    readonly accessToken: string | undefined;
    oAuthSignin(credentials: { username: string; password: string }): Promise<QelosTokenSignin>;
    oAuthSignup(information: Record<string, string>): Promise<QelosTokenSignin>;
    getLoggedInUser(): Promise<Record<string, unknown>>;
    refreshToken(refreshToken?: string): Promise<QelosTokenSignin>;
    logout(): Promise<Response>;
  };
}
// The SDK's own .d.ts files pull in @qelos/global-types, which ships raw .ts sources that do not compile
// under this project's settings; vitest still loads the real package (inlined, see vitest.config.ts).
const { default: QelosSDK } = (await import('@qelos/sdk' as string)) as {
  default: new (options: { appUrl: string; fetch: typeof fetch; forceRefresh?: boolean }) => QelosSDK;
};

/**
 * The published @qelos/sdk, unmodified, against Gatehouse. In Node it sends the access token as
 * `Authorization: Bearer` on every call except /api/signin, /api/signup and /api/token/refresh (its
 * `noExtraHeadersUrls`), and refreshes with the refresh token as the bearer credential and no body.
 */
describe.each(testDatabases)('@qelos/sdk token sign-in against Gatehouse on %s', (database) => {
  let server: TestServer;
  const clock = testClock();

  beforeAll(async () => {
    server = await startTestServer({ database, now: clock.now });
  });
  afterAll(() => server.close());

  const sdkFor = (options: { forceRefresh?: boolean } = {}) =>
    new QelosSDK({ appUrl: server.url, fetch: (input, init) => fetch(input, init), ...options });

  it('runs oAuthSignin, getLoggedInUser, refreshToken and logout unmodified', async () => {
    const user = await server.createUser();
    const sdk = sdkFor();

    const signin = await sdk.authentication.oAuthSignin({ username: user.email, password: user.password });
    expect(signin.payload.user).toMatchObject({ _id: user.id, email: user.email });
    const firstAccessToken = sdk.authentication.accessToken;
    expect(firstAccessToken).toBe(signin.payload.token);

    const loggedIn = await sdk.authentication.getLoggedInUser();
    expect(loggedIn).toMatchObject({ _id: user.id, email: user.email });

    const refreshed = await sdk.authentication.refreshToken();
    expect(refreshed.payload.token).toEqual(expect.any(String));
    expect(refreshed.payload.refreshToken).not.toBe(signin.payload.refreshToken);
    expect(sdk.authentication.accessToken).toBe(refreshed.payload.token);
    expect(await sdk.authentication.getLoggedInUser()).toMatchObject({ _id: user.id });

    const out = await sdk.authentication.logout();
    expect(out.status).toBe(200);
    // The whole family is gone: the SDK's access token and its refresh token are both refused.
    await expect(sdk.authentication.getLoggedInUser()).rejects.toThrow();
    expect(isInvalidTokenResponse(await me(server.url, refreshed.payload.token))).toBe(true);
    expect(isInvalidTokenResponse(await refresh(server.url, refreshed.payload.refreshToken))).toBe(true);
  });

  it('lets the SDK refresh on its own after the access token expires (forceRefresh)', async () => {
    const user = await server.createUser();
    const sdk = sdkFor({ forceRefresh: true });
    const signin = await sdk.authentication.oAuthSignin({ username: user.email, password: user.password });
    // Past the access token's lifetime and the 5 s clock tolerance, well inside the refresh token's.
    clock.advance(server.config.tokens.accessTtl + 10);
    expect(isInvalidTokenResponse(await me(server.url, signin.payload.token))).toBe(true);
    expect(await sdk.authentication.getLoggedInUser()).toMatchObject({ _id: user.id });
    expect(sdk.authentication.accessToken).not.toBe(signin.payload.token);
  });

  it('runs oAuthSignup and then uses the new account with its token pair', async () => {
    const sdk = sdkFor();
    const email = `qelos-${Date.now()}@example.test`;
    const signup = await sdk.authentication.oAuthSignup({
      username: email,
      email,
      password: 'a long enough password',
      firstName: 'Ada',
      lastName: 'Lovelace',
    });
    expect(signup.payload.user).toMatchObject({ email, fullName: 'Ada Lovelace' });
    expect(await sdk.authentication.getLoggedInUser()).toMatchObject({ email });
  });
});
