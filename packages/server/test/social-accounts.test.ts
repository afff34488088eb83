import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../src/features/accounts/store.js';
import { request, signInWithCookie } from './support/http.js';
import { enrolTotp } from './support/second-factor.js';
import {
  CHEAP_HASHES,
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  type TestUser,
  testDatabases,
  uniqueEmail,
} from './support/server.js';
import { enableIdpProviders, returned, socialLoginThroughIdp } from './support/social-flow.js';
import { type OidcIdp, startOidcIdp } from './support/upstream-idp.js';

const APP = 'https://app.example.com';
const RETURN_URL = `${APP}/auth/finish`;

interface Identity {
  provider: string;
  subject: string;
  email: string | null;
  linkedAt: string;
  lastUsedAt: string | null;
}

/**
 * Which account a social sign-in reaches (docs/social-login.md, "Linking rules"), and the account policies
 * every sign-in obeys (disabled accounts, the second factor), with oidc-provider as the upstream `google`.
 */
describe.each(testDatabases)('social login and accounts on %s', (database) => {
  let server: TestServer;
  let idp: OidcIdp;

  beforeAll(async () => {
    server = await startTestServer({ database, env: { ...MANY_SIGN_INS, ...CHEAP_HASHES } });
    idp = await startOidcIdp(server.config.publicUrl.origin);
    await enableIdpProviders(server, idp, [APP], ['google', 'corp']);
  });
  afterAll(async () => {
    await idp?.close();
    await server?.close();
  });

  const exchange = (rt: string | null) =>
    request<{ payload: { user: { _id: string; email: string } } }>(
      server.url,
      `/api/auth/callback?rt=${encodeURIComponent(rt ?? '')}`,
      { method: 'POST' },
    );
  /** Signs in at the upstream as `login` and comes back to the app: its rt or error. */
  const viaGoogle = async (login: string, cookie?: string, provider = 'google') =>
    returned(
      (
        await socialLoginThroughIdp(
          server,
          idp,
          provider,
          login,
          { returnUrl: RETURN_URL, state: 'st' },
          {
            ...(cookie && { cookie }),
          },
        )
      ).location,
    );
  const verified = async (user: TestUser) => {
    await new AccountStore(server.app.gatehouse.ctx.storage.db).markEmailVerified(user.id, Date.now());
    return user;
  };

  it('links an existing confirmed account through an e-mail the provider verified', async () => {
    const user = await verified(await server.createUser());
    const login = `linker-${database}`;
    idp.people.set(login, { email: user.email, email_verified: true });
    const back = await viaGoogle(login);
    const swapped = await exchange(back.rt);
    expect(swapped.status).toBe(200);
    expect(swapped.body.payload.user._id).toBe(user.id);
  });

  it('never takes over an account through an e-mail the provider did not verify', async () => {
    const victim = await verified(await server.createUser());
    const login = `mallory-${database}`;
    idp.people.set(login, { email: victim.email, email_verified: false });
    const back = await viaGoogle(login);
    expect(back.rt).toBeNull();
    expect(back.error).toBe('SOCIAL_EMAIL_UNVERIFIED');
    expect(back.state).toBe('st');
    const identities = await server.app.gatehouse.social.identities.list(victim.id);
    expect(identities).toEqual([]);
  });

  it('does not link to an account whose own address was never confirmed (pre-registered by someone else)', async () => {
    const squatter = await server.createUser();
    const login = `owner-${database}`;
    idp.people.set(login, { email: squatter.email, email_verified: true });
    const back = await viaGoogle(login);
    expect(back.error).toBe('SOCIAL_ACCOUNT_UNVERIFIED');
  });

  it('links the identity to the signed-in user who started the login, whatever its e-mail', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const login = `second-identity-${database}`;
    const back = await viaGoogle(login, cookie);
    expect((await exchange(back.rt)).body.payload.user._id).toBe(user.id);
    const listed = await request<Identity[]>(server.url, '/api/me/social-identities', { cookie });
    expect(listed.body).toEqual([
      expect.objectContaining({ provider: 'google', subject: login, email: `${login}@example.test` }),
    ]);
    expect(listed.body[0]?.lastUsedAt).toEqual(expect.any(String));

    // Someone else signed in cannot take that identity over.
    const other = await server.createUser();
    const otherCookie = await signInWithCookie(server.url, other.email, other.password);
    expect((await viaGoogle(login, otherCookie)).error).toBe('SOCIAL_IDENTITY_IN_USE');

    // The account export lists it, without any token.
    const exported = await request<{ linkedIdentities: Identity[] }>(server.url, '/api/me/export', {
      cookie,
    });
    expect(exported.status).toBe(200);
    expect(exported.body.linkedIdentities).toEqual([
      { provider: 'google', subject: login, email: `${login}@example.test`, linkedAt: expect.any(String) },
    ]);
  });

  it('refuses to create an account when the provider does not allow registration', async () => {
    const { providers } = server.app.gatehouse.social;
    await providers.set('corp', { autoRegister: false });
    try {
      const back = await viaGoogle(`newcomer-${database}`, undefined, 'corp');
      expect(back.error).toBe('SOCIAL_SIGNUP_CLOSED');
    } finally {
      await providers.set('corp', { autoRegister: true });
    }
  });

  it('refuses a disabled account, as password sign-in does', async () => {
    const admin = await server.createUser({ admin: true });
    const adminCookie = await signInWithCookie(server.url, admin.email, admin.password);
    const login = `to-disable-${database}`;
    const first = await exchange((await viaGoogle(login)).rt);
    const id = first.body.payload.user._id;
    const disabled = await request(server.url, `/api/admin/users/${id}/disable`, {
      method: 'POST',
      cookie: adminCookie,
    });
    expect(disabled.status).toBe(200);
    const again = await exchange((await viaGoogle(login)).rt);
    expect(again.status).toBe(403);
    expect((again.body as unknown as { code: string }).code).toBe('ACCOUNT_DISABLED');
  });

  it('asks for the second factor of an account that has one, as password sign-in does', async () => {
    const user = await verified(await server.createUser());
    await enrolTotp(server, user);
    const login = `twofactor-${database}`;
    idp.people.set(login, { email: user.email, email_verified: true });
    const answer = await exchange((await viaGoogle(login)).rt);
    expect(answer.status).toBe(401);
    const body = answer.body as unknown as { code: string; challenge: string };
    expect(body.code).toBe('SECOND_FACTOR_REQUIRED');
    expect(answer.cookies.some((c) => c.startsWith('gatehouse_session='))).toBe(false);
    expect(body.challenge).toEqual(expect.any(String));
  });

  it('unlinks an identity, but never the last way to sign in, even with two unlinks at once', async () => {
    const login = `solo-${database}`;
    const signedIn = await exchange((await viaGoogle(login)).rt);
    const cookie = signedIn.cookies.find((c) => c.startsWith('gatehouse_session='))!;
    // A second identity (corp) on the same password-less account.
    expect((await exchange((await viaGoogle(`${login}-corp`, cookie, 'corp')).rt)).status).toBe(200);
    const unlink = (provider: string, subject: string) =>
      request(server.url, `/api/me/social-identities/${provider}/${encodeURIComponent(subject)}`, {
        method: 'DELETE',
        cookie,
      });
    const both = await Promise.all([unlink('google', login), unlink('corp', `${login}-corp`)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(both.find((r) => r.status === 409)?.body['code']).toBe('LAST_SIGN_IN_METHOD');
    const left = await request<Identity[]>(server.url, '/api/me/social-identities', { cookie });
    expect(left.body).toHaveLength(1);
    expect((await unlink('nosuch', 'x')).status).toBe(404);
  });

  it('lets an account with a password unlink its only identity', async () => {
    const user = await server.createUser({ email: uniqueEmail('pw') });
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    const login = `pw-owner-${database}`;
    await exchange((await viaGoogle(login, cookie)).rt);
    const res = await request(server.url, `/api/me/social-identities/google/${login}`, {
      method: 'DELETE',
      cookie,
    });
    expect(res.status).toBe(200);
  });
});

describe('rt on two instances', () => {
  it('has exactly one winner when both instances exchange the same rt at once', async () => {
    const first = await startTestServer({ database: testDatabases.at(-1)!, env: MANY_SIGN_INS });
    const second = await startTestServer({
      database: first.database,
      databaseUrl:
        first.config.database.kind === 'postgres' ? first.config.database.url : first.config.database.path,
      env: MANY_SIGN_INS,
    });
    const idp = await startOidcIdp(first.config.publicUrl.origin);
    try {
      await enableIdpProviders(first, idp, [APP]);
      // Open sign-up on A only matters for creation; B only exchanges.
      const back = await socialLoginThroughIdp(first, idp, 'google', 'two-instances', {
        returnUrl: RETURN_URL,
      });
      const rt = returned(back.location).rt!;
      const answers = await Promise.all(
        [first, second, first, second].map((s) =>
          request(s.url, `/api/auth/callback?rt=${rt}`, { method: 'POST' }),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 401, 401, 401]);
    } finally {
      await idp.close();
      await second.app.close();
      await first.close();
    }
  });
});
