import { TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseError, GatehouseSDK, secondFactorChallenge } from '../src/index.js';
import { startTestServer, type TestServer, testDatabases, uniqueEmail } from './support/gatehouse-server.js';

/*
 * The SDK's account-lifecycle methods against the real server, on SQLite and PostgreSQL: password reset,
 * invitations and e-mail change with the links the server logs in development, the second-factor
 * challenge in both modes, user administration, data export and deletion, and API-token rotation.
 */

const PASSWORD = 'correct horse battery staple';

describe.each(testDatabases)('account lifecycle through the SDK on %s', (database) => {
  let server: TestServer;
  const lines: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: { GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000' },
      logStream: { write: (line) => void lines.push(line) },
    });
  });
  afterAll(() => server.close());

  /** The token of the latest link to `email` on `page` that the server logged (development, no SMTP). */
  async function linkInLog(email: string, page = 'reset-password'): Promise<string> {
    const until = Date.now() + 5_000;
    for (;;) {
      const line = lines.findLast((l) => l.includes(email) && l.includes(`/account/${page}?token=`));
      if (line) return /token=([\w-]+)/.exec(line)![1]!;
      if (Date.now() > until) throw new Error('no link logged');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  it('resets a forgotten password with requestPasswordReset and resetPassword', async () => {
    const email = uniqueEmail();
    await new GatehouseSDK({ appUrl: server.url }).authentication.signup({ email, password: PASSWORD });
    const sdk = new GatehouseSDK({ appUrl: server.url });
    expect((await sdk.authentication.requestPasswordReset(email)).message).toMatch(/If an account/);
    const token = await linkInLog(email);
    await sdk.authentication.resetPassword({ token, newPassword: 'a brand new secret' });
    const { payload } = await sdk.authentication.signin({ username: email, password: 'a brand new secret' });
    expect(payload.user.email).toBe(email);
  });

  it('finishes a sign-in that needs a second factor with secondFactorChallenge and completeSignin', async () => {
    const email = uniqueEmail();
    const owner = new GatehouseSDK({ appUrl: server.url });
    await owner.authentication.signup({ email, password: PASSWORD });
    const { secret } = await owner.authentication.enrolTotp();
    const totp = new TOTP({ secret });
    const codes = await owner.authentication.confirmTotp(totp.generate());
    expect(codes).toHaveLength(10);

    const sdk = new GatehouseSDK({ appUrl: server.url });
    const error = await sdk.authentication
      .oAuthSignin({ username: email, password: PASSWORD })
      .catch((e: unknown) => e);
    const challenge = secondFactorChallenge(error);
    expect(challenge).toMatchObject({ methods: ['totp', 'recovery_code'] });
    const result = await sdk.authentication.completeSignin(challenge!, { recoveryCode: codes[0]! });
    expect(result.payload.user.secondFactorEnabled).toBe(true);
    // Token mode from here on: the stored pair authenticates.
    expect((await sdk.authentication.getLoggedInUser()).email).toBe(email);
    expect(secondFactorChallenge(new Error('other'))).toBeNull();
  });

  it('finishes a cookie sign-in that needs a second factor, with a code from the app', async () => {
    const email = uniqueEmail();
    const owner = new GatehouseSDK({ appUrl: server.url });
    await owner.authentication.signup({ email, password: PASSWORD });
    const { secret, otpauthUri } = await owner.authentication.enrolTotp();
    expect(otpauthUri).toMatch(/^otpauth:\/\/totp\//);
    const totp = new TOTP({ secret });
    await owner.authentication.confirmTotp(totp.generate());

    const sdk = new GatehouseSDK({ appUrl: server.url });
    const error = await sdk.authentication
      .signin({ username: email, password: PASSWORD })
      .catch((e: unknown) => e);
    const challenge = secondFactorChallenge(error);
    expect(challenge).not.toBeNull();
    // The next time step's code: the confirmation used this step's, and a code is accepted once.
    const code = totp.generate({ timestamp: Date.now() + 30_000 });
    const result = await sdk.authentication.completeSignin(challenge!, { code });
    expect(result.payload.user.email).toBe(email);
    // Cookie mode from here on: the session cookie authenticates.
    expect((await sdk.authentication.getLoggedInUser()).email).toBe(email);
    expect(await sdk.authentication.getSecondFactor()).toMatchObject({
      enabled: true,
      recoveryCodesLeft: 10,
    });
  });

  it('administers users: invitation, disabling, deletion with the last-owner rule, the audit trail', async () => {
    const admin = await server.createUser({ admin: true });
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await sdk.authentication.signin({ username: admin.email, password: admin.password });

    const email = uniqueEmail('invited');
    const invited = await sdk.admin.createUser({ email });
    expect(invited).toMatchObject({ email, disabled: false });
    const token = await linkInLog(email, 'welcome');
    await new GatehouseSDK({ appUrl: server.url }).authentication.resetPassword({
      token,
      newPassword: 'chosen by the invitee',
    });
    const invitee = new GatehouseSDK({ appUrl: server.url });
    await invitee.authentication.signin({ username: email, password: 'chosen by the invitee' });
    const workspace = await invitee.workspaces.create({ name: 'Invitee’s own' });

    expect((await sdk.admin.setUserDisabled(invited._id, true)).disabled).toBe(true);
    const refused = await invitee.authentication.getLoggedInUser().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(GatehouseError);
    await sdk.admin.setUserDisabled(invited._id, false);

    const lastOwner = await sdk.admin.deleteUser(invited._id).catch((e: unknown) => e);
    expect(lastOwner).toMatchObject({
      code: 'LAST_OWNER',
      details: { workspaces: [{ _id: workspace._id }] },
    });
    await sdk.admin.deleteUser(invited._id, { soleOwnedWorkspaces: 'delete' });
    expect(await sdk.admin.listUsers({ q: email })).toEqual([]);
    const trail = await sdk.admin.listAudit({ targetId: invited._id });
    expect(trail.map((r) => r.action)).toEqual(['user.delete', 'user.enable', 'user.disable', 'user.invite']);
    expect(trail[0]).toMatchObject({ actor: { _id: admin.id }, ip: expect.any(String) });
  });

  it('changes the address, exports the data and deletes the account', async () => {
    const email = uniqueEmail();
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await sdk.authentication.signup({ email, password: PASSWORD });
    const moved = uniqueEmail('moved');
    await sdk.authentication.changeEmail({ email: moved, password: PASSWORD });
    await sdk.authentication.verifyEmail(await linkInLog(moved, 'verify-email'));
    expect((await sdk.authentication.getLoggedInUser()).email).toBe(moved);

    const data = await sdk.authentication.exportAccountData();
    expect(data.profile.email).toBe(moved);
    expect(JSON.stringify(data)).not.toContain(PASSWORD);

    await sdk.authentication.deleteAccount({ password: PASSWORD });
    const gone = await new GatehouseSDK({ appUrl: server.url }).authentication
      .signin({ username: moved, password: PASSWORD })
      .catch((e: unknown) => e);
    expect(gone).toMatchObject({ status: 401 });
  });

  it('rotates an API token with rotateApiToken: both work during the overlap', async () => {
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await sdk.authentication.signup({ email: uniqueEmail(), password: PASSWORD });
    const created = await sdk.authentication.createApiToken({ nickname: 'CI', expiresAt: '30d' });
    const { token, apiToken, rotated } = await sdk.authentication.rotateApiToken(created.apiToken._id, {
      overlap: '1h',
    });
    expect(apiToken.replaces).toBe(created.apiToken._id);
    expect(rotated.status).toBe('rotating');
    for (const key of [created.token, token]) {
      const ci = new GatehouseSDK({ appUrl: server.url });
      expect((await ci.authentication.apiTokenSignin(key))._id).toBeTruthy();
    }
  });
});
