import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNSUPPORTED_QELOS_ROUTES } from '../src/features/qelos-wire/routes.js';
import { request } from './support/http.js';
import {
  CHEAP_HASHES,
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  testDatabases,
} from './support/server.js';
import { enableIdpProviders, returned, socialLoginThroughIdp } from './support/social-flow.js';
import { testClock } from './support/token-session.js';
import { type OidcIdp, startOidcIdp } from './support/upstream-idp.js';

type QelosUser = Record<string, unknown>;
/** The part of the published SDK used here, as its dist/*.d.ts declare it. */
interface QelosSDK {
  authentication: {
    signup(information: Record<string, string>): Promise<{ payload: { user: QelosUser } }>;
    signin(credentials: { username: string; password: string }): Promise<{ payload: { user: QelosUser } }>;
    getLoggedInUser(): Promise<QelosUser>;
    updateLoggedInUser(changes: QelosUser): Promise<QelosUser>;
    refreshToken(refreshToken?: string): Promise<{ payload: { token: string; user: QelosUser } }>;
    logout(): Promise<Response>;
  };
  invites: { getList(): Promise<unknown> };
}
// The SDK's own .d.ts files pull in @qelos/global-types, which do not compile under this project's settings.
const { default: QelosSDK } = (await import('@qelos/sdk' as string)) as {
  default: new (options: {
    appUrl: string;
    fetch: typeof fetch;
    extraHeaders?: () => Promise<Record<string, string>>;
  }) => QelosSDK;
};

/**
 * A browser-like Qelos app in Node: the SDK's fetch goes through a cookie jar (what a browser does for it)
 * and `extraHeaders` adds nothing, as the SDK does in a browser (no bearer token for cookie sessions).
 */
function cookieApp(appUrl: string) {
  const jar = new Map<string, string>();
  const jarFetch: typeof fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const response = await fetch(input, { ...init, headers });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split(/=(.*)/s);
      if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  };
  return { jar, sdk: new QelosSDK({ appUrl, fetch: jarFetch, extraHeaders: async () => ({}) }) };
}

describe.each(
  testDatabases,
)('@qelos/sdk 3.11 cookie flow and profile against Gatehouse on %s', (database) => {
  let server: TestServer;
  let idp: OidcIdp;
  const clock = testClock();

  beforeAll(async () => {
    server = await startTestServer({ database, now: clock.now, env: { ...MANY_SIGN_INS, ...CHEAP_HASHES } });
    idp = await startOidcIdp(server.config.publicUrl.origin);
    await enableIdpProviders(server, idp, ['https://app.example.com']);
  });
  afterAll(async () => {
    await idp?.close();
    await server?.close();
  });

  it('runs signup (with birthDate and phone), signin, getLoggedInUser, updateLoggedInUser and logout', async () => {
    const email = `qelos-${database}-${Date.now()}@example.test`;
    const { sdk, jar } = cookieApp(server.url);
    const signedUp = await sdk.authentication.signup({
      username: email,
      password: 'a long enough password',
      firstName: 'Ada',
      lastName: 'Lovelace',
      birthDate: '1990-12-10',
      phone: '+44 20 7946 0958',
    });
    expect(signedUp.payload.user).toMatchObject({
      email,
      birthDate: '1990-12-10',
      phone: '+44 20 7946 0958',
    });

    await sdk.authentication.logout();
    expect(jar.size).toBe(0);
    const signedIn = await sdk.authentication.signin({ username: email, password: 'a long enough password' });
    expect(signedIn.payload.user).toMatchObject({ email });
    const user = await sdk.authentication.getLoggedInUser();
    expect(user).toMatchObject({ email, firstName: 'Ada', birthDate: '1990-12-10' });

    // The whole object back, with read-only fields tampered with: only the profile fields change.
    const updated = await sdk.authentication.updateLoggedInUser({
      ...user,
      firstName: 'Augusta',
      phone: null,
      _id: '000000000000000000000000',
      roles: ['admin', 'user'],
      email: 'someone-else@example.test',
      workspace: { _id: 'x', name: 'x', roles: ['owner'] },
    });
    expect(updated).toMatchObject({
      _id: user['_id'],
      email,
      firstName: 'Augusta',
      phone: null,
      roles: ['user'],
    });

    const cookieRefresh = await request<{ payload: { user: QelosUser } }>(server.url, '/api/cookie/refresh', {
      method: 'POST',
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
    });
    expect(cookieRefresh.status).toBe(200);
    expect(cookieRefresh.body.payload.user['email']).toBe(email);

    await sdk.authentication.logout();
    await expect(sdk.authentication.getLoggedInUser()).rejects.toThrow();
  });

  it('changes the password from updateLoggedInUser only within 5 minutes of signing in; other sessions end', async () => {
    const user = await server.createUser();
    const first = cookieApp(server.url);
    const second = cookieApp(server.url);
    await first.sdk.authentication.signin({ username: user.email, password: user.password });
    await second.sdk.authentication.signin({ username: user.email, password: user.password });
    await first.sdk.authentication.updateLoggedInUser({ password: 'the new password 1' });
    await expect(second.sdk.authentication.getLoggedInUser()).rejects.toThrow();
    expect(await first.sdk.authentication.getLoggedInUser()).toMatchObject({ email: user.email });

    const late = cookieApp(server.url);
    await late.sdk.authentication.signin({ username: user.email, password: 'the new password 1' });
    clock.advance(6 * 60);
    const refused = await late.sdk.authentication
      .updateLoggedInUser({ password: 'the new password 2' })
      .catch((error: { details?: { code?: string } }) => error);
    expect((refused as { details?: { code?: string } }).details?.code).toBe('REAUTHENTICATION_REQUIRED');
  });

  it('swaps the rt of a social login with refreshToken(rt), as seed 001 tells token apps to', async () => {
    const back = await socialLoginThroughIdp(server, idp, 'google', `qelos-social-${database}`, {
      returnUrl: 'https://app.example.com/finish',
    });
    const rt = returned(back.location).rt!;
    const sdk = new QelosSDK({ appUrl: server.url, fetch: (input, init) => fetch(input, init) });
    const pair = await sdk.authentication.refreshToken(rt);
    expect(pair.payload.user).toMatchObject({ email: `qelos-social-${database}@example.test` });
    expect(await sdk.authentication.getLoggedInUser()).toMatchObject({
      email: `qelos-social-${database}@example.test`,
    });
  });

  it('answers 501 NOT_SUPPORTED, saying what to use, for the Qelos routes Gatehouse does not serve', async () => {
    const { sdk } = cookieApp(server.url);
    await expect(sdk.invites.getList()).rejects.toThrow(/Gatehouse does not serve GET \/api\/invites/);
    for (const route of UNSUPPORTED_QELOS_ROUTES) {
      const res = await request(server.url, route.url.replace(':id', '0123456789abcdef01234567'), {
        method: route.method,
        ...(route.method === 'POST' || route.method === 'PUT' ? { body: {} } : {}),
      });
      expect(res.status, `${route.method} ${route.url}`).toBe(501);
      expect(res.body['code']).toBe('NOT_SUPPORTED');
    }
  });
});
