import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  type TestUser,
  testDatabases,
} from './support/server.js';

/**
 * The published `@qelos/sdk`, unmodified, against Gatehouse. How it sends credentials (dist/index.js): with
 * `options.apiToken` set it sends `x-api-key` on every call; otherwise, outside a browser, a bearer access
 * token from `oAuthSignin`. `apiTokenSignin(token)` sets `options.apiToken` on the instance for good.
 *
 * Gatehouse refuses token management with API-token authentication (SECURITY.md), as the Qelos docs also
 * say ("requires cookie or OAuth authentication"). So the sequence uses two SDK instances, as a real
 * deployment would: the owner's, signed in with `oAuthSignin`, creates, lists and deletes; the script's
 * signs in with the token and reads the user. The one step that cannot work as a single chain
 * (`listApiTokens` after `apiTokenSignin` on the same instance) is asserted to be refused.
 */
interface QelosApiToken {
  _id: string;
  nickname: string;
  tokenPrefix: string;
  expiresAt: string;
  [field: string]: unknown;
}

/** The part of the SDK's public API used here, as its dist/authentication.d.ts declares it. */
interface QelosAuthentication {
  readonly isApiTokenAuth: boolean;
  oAuthSignin(credentials: { username: string; password: string }): Promise<unknown>;
  apiTokenSignin(apiToken: string): Promise<Record<string, unknown>>;
  getLoggedInUser(): Promise<Record<string, unknown>>;
  listApiTokens(): Promise<QelosApiToken[]>;
  createApiToken(data: { nickname: string; expiresAt: string; workspace?: string }): Promise<{
    token: string;
    apiToken: QelosApiToken;
  }>;
  deleteApiToken(tokenId: string): Promise<void>;
}

type QelosSDK = { authentication: QelosAuthentication };

// The SDK's own .d.ts files pull in @qelos/global-types, which ships raw .ts sources that do not compile
// under this repository's strict settings; so its types are declared above and only its runtime is loaded.
const { default: QelosSDK } = (await import('@qelos/sdk' as string)) as {
  default: new (options: { appUrl: string; fetch: typeof fetch; apiToken?: string }) => QelosSDK;
};

function sdk(server: TestServer, apiToken?: string): QelosSDK {
  return new QelosSDK({ appUrl: server.url, fetch: globalThis.fetch, ...(apiToken && { apiToken }) });
}

describe.each(testDatabases)('@qelos/sdk API tokens against Gatehouse on %s', (database) => {
  let server: TestServer;
  let user: TestUser;
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS });
    user = await server.createUser();
  });
  afterAll(() => server.close());

  it('runs createApiToken, apiTokenSignin, getLoggedInUser, listApiTokens and deleteApiToken', async () => {
    const owner = sdk(server);
    await owner.authentication.oAuthSignin({ username: user.email, password: user.password });
    const expiresAt = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString();
    const { token, apiToken } = await owner.authentication.createApiToken({
      nickname: 'Qelos CLI',
      expiresAt,
    });
    expect(token).toMatch(/^gth_/);
    expect(apiToken).toMatchObject({ nickname: 'Qelos CLI', tokenPrefix: token.slice(0, 8), expiresAt });

    const script = sdk(server);
    const signedIn = await script.authentication.apiTokenSignin(token);
    expect(signedIn).toMatchObject({ _id: user.id, email: user.email });
    expect(script.authentication.isApiTokenAuth).toBe(true);
    expect(await script.authentication.getLoggedInUser()).toMatchObject({ _id: user.id });

    const listed = await owner.authentication.listApiTokens();
    expect(listed.map((t) => t._id)).toEqual([apiToken._id]);
    expect(listed[0]).toMatchObject({ usageCount: 2 });

    await owner.authentication.deleteApiToken(apiToken._id);
    expect(await owner.authentication.listApiTokens()).toEqual([]);
    await expect(script.authentication.getLoggedInUser()).rejects.toThrow(/invalid or has been revoked/);
  });

  it('accepts the token given at construction time (`new QelosSDK({ apiToken })`)', async () => {
    const owner = sdk(server);
    await owner.authentication.oAuthSignin({ username: user.email, password: user.password });
    const expiresAt = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const { token } = await owner.authentication.createApiToken({ nickname: 'constructed', expiresAt });
    const script = sdk(server, token);
    expect(await script.authentication.getLoggedInUser()).toMatchObject({ _id: user.id });
  });

  it('refuses token management from an SDK signed in with an API token (403), as documented', async () => {
    const owner = sdk(server);
    await owner.authentication.oAuthSignin({ username: user.email, password: user.password });
    const expiresAt = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const { token, apiToken } = await owner.authentication.createApiToken({
      nickname: 'scripted',
      expiresAt,
    });
    // The same instance after apiTokenSignin now sends x-api-key, so management is refused.
    await owner.authentication.apiTokenSignin(token);
    const refused = await owner.authentication
      .listApiTokens()
      .catch((error: Error & { details?: unknown }) => error);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error & { details?: unknown }).details).toMatchObject({
      code: 'CREDENTIAL_NOT_ALLOWED',
    });
    await expect(owner.authentication.createApiToken({ nickname: 'successor', expiresAt })).rejects.toThrow(
      /cannot be performed with an API token/,
    );
    await expect(owner.authentication.deleteApiToken(apiToken._id)).rejects.toThrow(
      /cannot be performed with an API token/,
    );
  });
});
