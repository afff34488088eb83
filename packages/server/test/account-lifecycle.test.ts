import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureAuth, createApiToken, withApiKey } from './support/api-tokens.js';
import { request, signInWithCookie } from './support/http.js';
import { accountLink, type Mailbox, startMailbox } from './support/mailbox.js';
import {
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  testDatabases,
  uniqueEmail,
} from './support/server.js';
import { signInWithTokens, testClock } from './support/token-session.js';
import { createWorkspace, type Person, person } from './support/workspaces.js';

/** Follows a verification link as a person would: open the page, press its button. */
async function confirmLink(server: TestServer, path: string, token: string) {
  const pageRes = await fetch(server.url + path);
  expect(pageRes.status).toBe(200);
  expect(await pageRes.text()).toContain('<button');
  return fetch(`${server.url}/account/verify-email`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
  });
}

describe.each(testDatabases)('account lifecycle on %s', (database) => {
  let server: TestServer;
  let mailbox: Mailbox;
  let admin: Person;
  const clock = testClock();

  beforeAll(async () => {
    mailbox = await startMailbox();
    server = await startTestServer({
      database,
      now: clock.now,
      env: { ...MANY_SIGN_INS, GATEHOUSE_SMTP_URL: mailbox.url, GATEHOUSE_MAIL_RATE_PER_HOUR: '100' },
    });
    admin = await person(server, { admin: true });
  });
  afterAll(async () => {
    await server.close();
    await mailbox.close();
  });

  describe('e-mail verification', () => {
    it('sends a link at sign-up; with the policy "required", sign-in waits until it is used', async () => {
      await configureAuth(server, admin.cookie, { emailVerification: 'required' });
      try {
        const email = uniqueEmail('verify');
        const signup = await request(server.url, '/api/signup', {
          body: { email, password: 'a-long-password' },
        });
        expect(signup.status).toBe(202);
        expect(signup.body).toMatchObject({ emailVerificationRequired: true });
        expect(signup.cookies).toEqual([]);
        const refused = await request(server.url, '/api/signin', {
          body: { username: email, password: 'a-long-password' },
        });
        expect(refused.status).toBe(403);
        expect(refused.body['code']).toBe('EMAIL_NOT_VERIFIED');
        const tokenSignin = await request(server.url, '/api/signin', {
          body: { username: email, password: 'a-long-password', authType: 'oauth' },
        });
        expect(tokenSignin.body['code']).toBe('EMAIL_NOT_VERIFIED');

        // Resend answers like for any address, and supersedes the first link.
        const first = accountLink(await mailbox.waitFor(email, /Confirm your e-mail/));
        const resend = await request(server.url, '/api/email/verify/resend', { body: { email } });
        const resendUnknown = await request(server.url, '/api/email/verify/resend', {
          body: { email: uniqueEmail() },
        });
        expect(resend.body).toEqual(resendUnknown.body);
        const until = Date.now() + 5_000;
        while (mailbox.to(email).length < 2 && Date.now() < until)
          await new Promise((r) => setTimeout(r, 20));
        const second = accountLink(mailbox.to(email).at(-1)!);
        expect((await confirmLink(server, first.path, first.token)).status).toBe(400);
        expect((await confirmLink(server, second.path, second.token)).status).toBe(200);
        const cookie = await signInWithCookie(server.url, email, 'a-long-password');
        expect((await request(server.url, '/api/me', { cookie })).body['emailVerified']).toBe(true);
        // One-time.
        const reused = await request(server.url, '/api/email/verify', { body: { token: second.token } });
        expect(reused.body['code']).toBe('LINK_INVALID');
      } finally {
        await configureAuth(server, admin.cookie, { emailVerification: 'optional' });
      }
    });

    it('changes the address only when the new one confirms, and tells the old one', async () => {
      const user = await person(server);
      const newEmail = uniqueEmail('moved');
      const asked = await request(server.url, '/api/me/email', {
        cookie: user.cookie,
        body: { email: newEmail },
      });
      expect(asked.status).toBe(202);
      const notice = await mailbox.waitFor(user.email, /being changed/);
      expect(notice.text).toContain(newEmail);
      expect((await request(server.url, '/api/me', { cookie: user.cookie })).body['email']).toBe(user.email);
      const link = accountLink(await mailbox.waitFor(newEmail, /Confirm your new e-mail/));
      expect((await confirmLink(server, link.path, link.token)).status).toBe(200);
      const me = await request(server.url, '/api/me', { cookie: user.cookie });
      expect(me.body).toMatchObject({ email: newEmail, emailVerified: true });
      await signInWithCookie(server.url, newEmail, user.password);
      expect(
        (
          await request(server.url, '/api/signin', {
            body: { username: user.email, password: user.password },
          })
        ).status,
      ).toBe(401);
    });

    it('refuses to confirm a new address another account took meanwhile (409 EMAIL_TAKEN), changing nothing', async () => {
      const [first, second] = [await person(server), await person(server)];
      const wanted = uniqueEmail('wanted');
      for (const who of [first, second])
        expect(
          (await request(server.url, '/api/me/email', { cookie: who.cookie, body: { email: wanted } }))
            .status,
        ).toBe(202);
      await mailbox.waitFor(wanted, /Confirm your new e-mail/);
      const until = Date.now() + 5_000;
      while (mailbox.to(wanted).length < 2 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      const [a, b] = mailbox.to(wanted).map(accountLink);
      expect((await request(server.url, '/api/email/verify', { body: { token: a!.token } })).status).toBe(
        200,
      );
      const taken = await request(server.url, '/api/email/verify', { body: { token: b!.token } });
      expect(taken.status).toBe(409);
      expect(taken.body['code']).toBe('EMAIL_TAKEN');
      const emails = await Promise.all(
        [first, second].map(
          async (who) => (await request(server.url, '/api/me', { cookie: who.cookie })).body['email'],
        ),
      );
      expect(emails.filter((email) => email === wanted)).toHaveLength(1);
    });
  });

  describe('user administration', () => {
    it('creates an account by invitation: the person follows the link and chooses a password', async () => {
      const email = uniqueEmail('invited');
      const created = await request(server.url, '/api/admin/users', {
        cookie: admin.cookie,
        body: { email },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ email, emailVerified: false, disabled: false });
      const link = accountLink(await mailbox.waitFor(email, /Your new account/));
      expect(link.path).toMatch(/^\/account\/welcome\?token=/);
      const pageRes = await fetch(server.url + link.path);
      expect(await pageRes.text()).toContain('name="newPassword"');
      const set = await fetch(`${server.url}/account/welcome`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: link.token, newPassword: 'my own password' }).toString(),
      });
      expect(set.status).toBe(200);
      const cookie = await signInWithCookie(server.url, email, 'my own password');
      expect((await request(server.url, '/api/me', { cookie })).body['emailVerified']).toBe(true);
    });

    it('disables an account: cookie, bearer and API token are refused on the next request; enabling restores sign-in', async () => {
      const user = await person(server);
      const pair = await signInWithTokens(server.url, user.email, user.password);
      const { token } = await createApiToken(server, user.cookie);
      const disabled = await request(server.url, `/api/admin/users/${user.id}/disable`, {
        cookie: admin.cookie,
        method: 'POST',
      });
      expect(disabled.status).toBe(200);
      expect(disabled.body['disabled']).toBe(true);
      expect((await request(server.url, '/api/me', { cookie: user.cookie })).status).toBe(401);
      expect(
        (await request(server.url, '/api/me', { headers: { authorization: `Bearer ${pair.token}` } })).status,
      ).toBe(401);
      const byKey = await request(server.url, '/api/me', withApiKey(token));
      expect(byKey.status).toBe(401);
      expect(byKey.body['code']).toBe('ACCOUNT_DISABLED');
      const signin = await request(server.url, '/api/signin', {
        body: { username: user.email, password: user.password },
      });
      expect(signin.body['code']).toBe('ACCOUNT_DISABLED');
      expect(
        (
          await request(server.url, `/api/admin/users/${user.id}/enable`, {
            cookie: admin.cookie,
            method: 'POST',
          })
        ).status,
      ).toBe(200);
      await signInWithCookie(server.url, user.email, user.password);
      expect((await request(server.url, '/api/me', withApiKey(token))).status).toBe(200);
    });

    it('refuses deleting the last owner of a workspace, naming it, unless the admin transfers or deletes it', async () => {
      const owner = await person(server);
      const heir = await person(server);
      const kept = await createWorkspace(server, owner, 'Kept by transfer');
      const refused = await request(server.url, `/api/admin/users/${owner.id}`, {
        cookie: admin.cookie,
        method: 'DELETE',
      });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        code: 'LAST_OWNER',
        workspaces: [{ _id: kept._id, name: 'Kept by transfer' }],
      });
      const deleted = await request(server.url, `/api/admin/users/${owner.id}`, {
        cookie: admin.cookie,
        method: 'DELETE',
        body: { soleOwnedWorkspaces: 'transfer', transferTo: heir.id },
      });
      expect(deleted.status).toBe(200);
      expect((await request(server.url, '/api/me', { cookie: owner.cookie })).status).toBe(401);
      const members = await request<Array<{ user: string; roles: string[] }>>(
        server.url,
        `/api/workspaces/${kept._id}/members`,
        { cookie: heir.cookie },
      );
      expect(members.body).toEqual([expect.objectContaining({ user: heir.id, roles: ['owner'] })]);

      const other = await person(server);
      const doomed = await createWorkspace(server, other, 'Deleted with its owner');
      const gone = await request(server.url, `/api/admin/users/${other.id}`, {
        cookie: admin.cookie,
        method: 'DELETE',
        body: { soleOwnedWorkspaces: 'delete' },
      });
      expect(gone.status).toBe(200);
      expect(
        (await request(server.url, `/api/workspaces/${doomed._id}`, { cookie: admin.cookie })).status,
      ).toBe(404);
    });

    it('ends all sessions, sets a password, sends a reset link, and records every action in the audit trail', async () => {
      const user = await person(server);
      expect(
        (
          await request(server.url, `/api/admin/users/${user.id}/sessions`, {
            cookie: admin.cookie,
            method: 'DELETE',
          })
        ).status,
      ).toBe(200);
      expect((await request(server.url, '/api/me', { cookie: user.cookie })).status).toBe(401);
      const weak = await request(server.url, `/api/admin/users/${user.id}/password`, {
        cookie: admin.cookie,
        method: 'PUT',
        body: { password: 'short' },
      });
      expect(weak.status).toBe(400);
      expect(
        (
          await request(server.url, `/api/admin/users/${user.id}/password`, {
            cookie: admin.cookie,
            method: 'PUT',
            body: { password: 'set by the admin' },
          })
        ).status,
      ).toBe(200);
      await signInWithCookie(server.url, user.email, 'set by the admin');
      expect(
        (
          await request(server.url, `/api/admin/users/${user.id}/reset-link`, {
            cookie: admin.cookie,
            method: 'POST',
          })
        ).status,
      ).toBe(202);
      await mailbox.waitFor(user.email, /Reset your password/);

      const trail = await request<
        Array<{
          action: string;
          actor: { _id: string };
          target: { _id: string };
          ip: string;
          created: string;
        }>
      >(server.url, `/api/admin/audit?targetId=${user.id}`, { cookie: admin.cookie });
      expect(trail.body.map((r) => r.action)).toEqual([
        'user.send_reset_link',
        'user.set_password',
        'user.end_sessions',
      ]);
      expect(trail.body[0]).toMatchObject({
        actor: { _id: admin.id },
        target: { _id: user.id },
        ip: expect.any(String),
      });
      for (const record of trail.body)
        expect(Math.abs(Date.parse(record.created) - clock.now())).toBeLessThan(60_000);
      const search = await request<Array<{ email: string }>>(
        server.url,
        `/api/admin/users?q=${encodeURIComponent(user.email)}`,
        { cookie: admin.cookie },
      );
      expect(search.body.map((u) => u.email)).toEqual([user.email]);
      // Paging: consecutive pages of one never repeat a user.
      const page = (offset: number) =>
        request<Array<{ _id: string }>>(server.url, `/api/admin/users?limit=1&offset=${offset}`, {
          cookie: admin.cookie,
        });
      const [first, second] = [await page(0), await page(1)];
      expect([first.body.length, second.body.length]).toEqual([1, 1]);
      expect(first.body[0]!._id).not.toBe(second.body[0]!._id);
      // Not for anyone else.
      expect((await request(server.url, '/api/admin/audit', { cookie: user.cookie })).status).toBe(401);
    });
  });

  describe('self-service', () => {
    it('exports my data as JSON without any secret', async () => {
      const user = await person(server);
      await createWorkspace(server, user, 'Exported');
      const { token } = await createApiToken(server, user.cookie, { nickname: 'export check' });
      // A linked social identity, as social login stores it (the provider's round trip is its own suite's).
      await server.app.gatehouse.ctx.storage.db
        .insertInto('social_identities')
        .values({
          provider: 'github',
          subject: `gh-${user.id}`,
          user_id: user.id,
          email: user.email,
          linked_at: clock.now(),
          last_used_at: null,
        })
        .execute();
      const res = await request<Record<string, unknown>>(server.url, '/api/me/export', {
        cookie: user.cookie,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-disposition')).toMatch(/attachment/);
      expect(res.body).toMatchObject({
        profile: { email: user.email },
        memberships: [{ workspace: { name: 'Exported' }, role: 'owner' }],
        apiTokens: [{ nickname: 'export check' }],
        sessions: [expect.objectContaining({ _id: expect.any(String) })],
        linkedIdentities: [{ provider: 'github', subject: `gh-${user.id}`, email: user.email }],
      });
      const text = JSON.stringify(res.body);
      expect(text).not.toContain(token);
      expect(text).not.toMatch(/argon2|token_hash|secret_sealed/);
    });

    it('deletes my own account after a recent sign-in or with the password, with the last-owner rule', async () => {
      const user = await person(server);
      const workspace = await createWorkspace(server, user, 'Mine alone');
      // Past the recent-authentication window (5 minutes), the session alone is not enough.
      clock.advance(6 * 60);
      const stale = await request(server.url, '/api/me', { cookie: user.cookie, method: 'DELETE', body: {} });
      expect(stale.status).toBe(403);
      expect(stale.body['code']).toBe('REAUTHENTICATION_REQUIRED');
      const wrong = await request(server.url, '/api/me', {
        cookie: user.cookie,
        method: 'DELETE',
        body: { password: 'not it' },
      });
      expect(wrong.status).toBe(403);
      const blocked = await request(server.url, '/api/me', {
        cookie: user.cookie,
        method: 'DELETE',
        body: { password: user.password },
      });
      expect(blocked.body).toMatchObject({ code: 'LAST_OWNER', workspaces: [{ _id: workspace._id }] });
      const deleted = await request(server.url, '/api/me', {
        cookie: user.cookie,
        method: 'DELETE',
        body: { password: user.password, soleOwnedWorkspaces: 'delete' },
      });
      expect(deleted.status).toBe(200);
      expect(
        (
          await request(server.url, '/api/signin', {
            body: { username: user.email, password: user.password },
          })
        ).status,
      ).toBe(401);
    });
  });
});
