import { TOTP } from 'otpauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseSDK, secondFactorChallenge } from '../src/index.js';
import { startTestServer, type TestServer, uniqueEmail } from './support/gatehouse-server.js';

/*
 * The SDK's account-lifecycle methods against the real server (SQLite; the server suites cover both
 * databases): password reset with the link the server logs in development, the second-factor challenge,
 * and API-token rotation.
 */

const PASSWORD = 'correct horse battery staple';

describe('account lifecycle through the SDK', () => {
  let server: TestServer;
  const lines: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({
      env: { GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000' },
      logStream: { write: (line) => void lines.push(line) },
    });
  });
  afterAll(() => server.close());

  async function linkInLog(email: string): Promise<string> {
    const until = Date.now() + 5_000;
    for (;;) {
      const line = lines.find((l) => l.includes(email) && l.includes('/account/reset-password?token='));
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
