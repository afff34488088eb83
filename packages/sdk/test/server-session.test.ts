import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseError, GatehouseSDK } from '../src/index.js';
import {
  adjustableClock,
  startTestServer,
  type TestServer,
  testDatabases,
  uniqueEmail,
} from './support/gatehouse-server.js';
import { recordingFetch } from './support/recording-fetch.js';

/*
 * Cookie sessions against the real server, in Node, where the SDK keeps the session cookie itself.
 * Endpoints: POST /api/signup, POST /api/signin, GET/POST /api/me, POST /api/me/password,
 * GET /api/me/sessions, DELETE /api/me/sessions/:id, POST /api/logout.
 */

const PASSWORD = 'correct horse battery staple';

describe.each(testDatabases)('cookie sessions on %s', (database) => {
  let server: TestServer;
  const clock = adjustableClock();
  beforeAll(async () => {
    server = await startTestServer({
      database,
      now: clock.now,
      env: { GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000' },
    });
  });
  afterAll(() => server.close());

  const newSdk = () => new GatehouseSDK({ appUrl: server.url });

  async function signedUp() {
    const email = uniqueEmail();
    const sdk = newSdk();
    await sdk.authentication.signup({ email, password: PASSWORD, firstName: 'Ada', lastName: 'Lovelace' });
    return { sdk, email };
  }

  it('signs up, signs in, reads and updates the profile, lists sessions, logs out, and is then refused', async () => {
    const email = uniqueEmail();
    const signup = await newSdk().authentication.signup({ email, password: PASSWORD, firstName: 'Ada' });
    expect(signup.payload.user).toMatchObject({ email, firstName: 'Ada', roles: ['user'] });

    const recorder = recordingFetch();
    const sdk = new GatehouseSDK({ appUrl: server.url, fetch: recorder.fetch });
    const signin = await sdk.authentication.signin({ username: email, password: PASSWORD });
    expect(signin.payload.user.email).toBe(email);
    expect(signin.payload.workspace).toBeNull();

    const me = await sdk.authentication.getLoggedInUser();
    expect(me).toMatchObject({ _id: signup.payload.user._id, email });
    expect(recorder.callsTo('/api/me')[0]?.headers['cookie']).toMatch(/^gatehouse_session=/);

    const updated = await sdk.authentication.updateLoggedInUser({ firstName: 'Augusta', lastName: 'King' });
    expect(updated).toMatchObject({ firstName: 'Augusta', lastName: 'King', fullName: 'Augusta King' });
    expect(await sdk.authentication.getLoggedInUser()).toMatchObject({ fullName: 'Augusta King' });

    const sessions = await sdk.authentication.listSessions();
    expect(sessions.filter((session) => session.current)).toHaveLength(1);
    expect(sessions.find((session) => session.current)).toMatchObject({
      _id: expect.any(String),
      createdAt: expect.any(String),
      lastSeenAt: expect.any(String),
      expiresAt: expect.any(String),
    });

    await sdk.authentication.logout();
    const error = await sdk.authentication.getLoggedInUser().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ status: 401 });
    expect((error as GatehouseError).message).not.toBe('');
    // The SDK dropped the cookie: the refused request carried none.
    expect(recorder.callsTo('/api/me').at(-1)?.headers['cookie']).toBeUndefined();
  });

  it('ends the session on the server at logout, so a copy of the cookie stops working', async () => {
    const email = (await signedUp()).email;
    const recorder = recordingFetch();
    const sdk = new GatehouseSDK({ appUrl: server.url, fetch: recorder.fetch });
    await sdk.authentication.signin({ email, password: PASSWORD });
    await sdk.authentication.getLoggedInUser();
    const cookie = recorder.callsTo('/api/me')[0]?.headers['cookie'];
    expect(cookie).toBeTruthy();
    await sdk.authentication.logout();
    const replay = await fetch(`${server.url}/api/me`, { headers: { cookie: cookie! } });
    expect(replay.status).toBe(401);
  });

  it('rejects a wrong password with GatehouseError 401 INVALID_CREDENTIALS', async () => {
    const { email } = await signedUp();
    const error = await newSdk()
      .authentication.signin({ username: email, password: 'not the password' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(GatehouseError);
    expect(error).toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
  });

  it('reports sign-up validation errors with the offending field in details', async () => {
    const error = await newSdk()
      .authentication.signup({ email: uniqueEmail(), password: 'short' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, code: 'VALIDATION_ERROR' });
    expect((error as GatehouseError).details).toMatchObject({ errors: { password: expect.any(String) } });
  });

  it('reports an email already taken as 409 USER_EXISTS', async () => {
    const { email } = await signedUp();
    await expect(newSdk().authentication.signup({ email, password: PASSWORD })).rejects.toMatchObject({
      status: 409,
      code: 'USER_EXISTS',
    });
  });

  it('revokes another of the user’s sessions, which is then refused', async () => {
    const { sdk: laptop, email } = await signedUp();
    const phone = newSdk();
    await phone.authentication.signin({ email, password: PASSWORD });
    const sessions = await laptop.authentication.listSessions();
    expect(sessions).toHaveLength(2);
    const phoneSession = sessions.find((session) => !session.current);
    await laptop.authentication.revokeSession(phoneSession!._id);
    await expect(phone.authentication.getLoggedInUser()).rejects.toMatchObject({
      status: 401,
      code: 'SESSION_EXPIRED',
    });
    await expect(laptop.authentication.getLoggedInUser()).resolves.toMatchObject({ email });
  });

  it('changes the password: other sessions end, this one stays, and the new password signs in', async () => {
    const { sdk, email } = await signedUp();
    const other = newSdk();
    await other.authentication.signin({ email, password: PASSWORD });
    await sdk.authentication.changePassword({
      currentPassword: PASSWORD,
      newPassword: 'a brand new passphrase',
    });
    await expect(sdk.authentication.getLoggedInUser()).resolves.toMatchObject({ email });
    await expect(other.authentication.getLoggedInUser()).rejects.toMatchObject({ status: 401 });
    await expect(
      newSdk().authentication.signin({ email, password: 'a brand new passphrase' }),
    ).resolves.toBeDefined();
    await expect(
      sdk.authentication.changePassword({ currentPassword: 'wrong', newPassword: 'another new passphrase' }),
    ).rejects.toMatchObject({ status: 400, code: 'INVALID_PASSWORD' });
  });

  it('never tries a token refresh when a cookie session expires', async () => {
    const { sdk } = await signedUp();
    const recorder = recordingFetch();
    const resumed = new GatehouseSDK({ appUrl: server.url, fetch: recorder.fetch, forceRefresh: true });
    await resumed.authentication.signin({
      email: (await sdk.authentication.getLoggedInUser()).email,
      password: PASSWORD,
    });
    clock.advance(13 * 60 * 60 * 1000); // beyond the absolute and idle session lifetimes
    await expect(resumed.authentication.getLoggedInUser()).rejects.toMatchObject({
      status: 401,
      code: 'SESSION_EXPIRED',
    });
    expect(recorder.callsTo('/api/token/refresh')).toHaveLength(0);
    expect(recorder.callsTo('/api/me')).toHaveLength(1);
  });
});
