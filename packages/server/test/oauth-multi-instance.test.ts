import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAMILIES_PER_USER } from '../src/features/tokens/store.js';
import { testDatabases } from './support/databases.js';
import { twoInstances, withinDeliveryBound } from './support/instances.js';
import { authorizeInBrowser, authorizeUrl, pkce, postForm, REDIRECT_URI, RESOURCE } from './support/oauth.js';
import { CHEAP_HASHES, MANY_SIGN_INS, type TestServer, type TestUser } from './support/server.js';

/** SECURITY.md "Reliability": two instances on one PostgreSQL behave as one, for the OAuth server too. */
describe.runIf(testDatabases.includes('postgres'))(
  'the OAuth server on two instances of one PostgreSQL',
  () => {
    let a: TestServer;
    let b: TestServer;
    let user: TestUser;
    let client: { id: string; secret: string };
    // One issuer for both: the public URL is instance A's address.
    twoInstances(
      { env: { ...MANY_SIGN_INS, ...CHEAP_HASHES }, publicUrlIsA: true },
      (started) => ({ a, b } = started),
    );
    beforeAll(async () => {
      user = await a.createUser();
      const { client: created, secret } = await a.app.gatehouse.oauth.clients.create({
        name: 'Two instances',
        redirectUris: [REDIRECT_URI],
        grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
        scope: 'openid offline_access profile:read api:read',
        resources: [RESOURCE],
      });
      client = { id: created.id, secret: secret! };
    });

    const tokens = async (as: TestUser = user) => {
      const { verifier, challenge } = pkce();
      const url = authorizeUrl(a, client.id, {
        code_challenge: challenge,
        code_challenge_method: 'S256',
        scope: 'openid offline_access profile:read',
      });
      const { callback } = await authorizeInBrowser(a, url, as);
      return { code: callback.searchParams.get('code')!, verifier };
    };
    const exchange = (on: TestServer, issued: { code: string; verifier: string }) =>
      postForm(
        on,
        '/oauth2/token',
        {
          grant_type: 'authorization_code',
          code: issued.code,
          redirect_uri: REDIRECT_URI,
          code_verifier: issued.verifier,
        },
        client,
      );
    const me = (on: TestServer, token: string) =>
      fetch(`${on.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });

    it('exchanges a code from A on B; a replay on A revokes the tokens on B within the delivery bound', async () => {
      const issued = await tokens();
      const first = await exchange(b, issued);
      expect(first.status).toBe(200);
      const accessToken = first.body['access_token'] as string;
      expect((await me(b, accessToken)).status).toBe(200);
      expect((await me(b, accessToken)).status).toBe(200);
      expect((await exchange(a, issued)).body).toMatchObject({ error: 'invalid_grant' });
      const revoked = await withinDeliveryBound(
        () => me(b, accessToken),
        (answer) => answer.status !== 200,
      );
      expect(revoked.status).toBe(401);
    });

    it('one code exchanged on both instances at once: at most one winner', async () => {
      const issued = await tokens();
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => exchange(i % 2 ? a : b, issued)),
      );
      expect(answers.filter((answer) => answer.status === 200).length).toBeLessThanOrEqual(1);
    });

    it('one refresh token rotated on both instances at once: exactly one successor', async () => {
      const issued = await exchange(a, await tokens());
      const refreshToken = issued.body['refresh_token'] as string;
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          postForm(
            i % 2 ? a : b,
            '/oauth2/token',
            { grant_type: 'refresh_token', refresh_token: refreshToken },
            client,
          ),
        ),
      );
      expect(new Set(answers.filter((x) => x.status === 200).map((x) => x.body['refresh_token'])).size).toBe(
        1,
      );
    });

    it('a secret rotated on A and a token revoked on A are refused on B within the delivery bound', async () => {
      const cc = await postForm(
        b,
        '/oauth2/token',
        { grant_type: 'client_credentials', scope: 'api:read' },
        client,
      );
      const token = cc.body['access_token'] as string;
      expect((await postForm(b, '/oauth2/introspect', { token }, client)).body).toMatchObject({
        active: true,
      });
      await postForm(a, '/oauth2/revoke', { token }, client);
      const introspected = await withinDeliveryBound(
        () => postForm(b, '/oauth2/introspect', { token }, client),
        (answer) => answer.body['active'] === false,
      );
      expect(introspected.body).toEqual({ active: false });

      const { secret } = await a.app.gatehouse.oauth.clients.rotateSecret(client.id);
      const withOldSecret = { ...client };
      client = { id: client.id, secret };
      const refused = await withinDeliveryBound(
        () => postForm(b, '/oauth2/token', { grant_type: 'client_credentials' }, withOldSecret),
        (answer) => answer.status !== 200,
      );
      expect(refused.status).toBe(401);
      expect((await postForm(b, '/oauth2/token', { grant_type: 'client_credentials' }, client)).status).toBe(
        200,
      );
    });

    it('a grant the per-user cap ends on A is refused on B within the delivery bound', async () => {
      const capped = await a.createUser();
      const oldest = await exchange(b, await tokens(capped));
      const accessToken = oldest.body['access_token'] as string;
      expect((await me(b, accessToken)).status).toBe(200);
      // Fill the cap with live sign-ins (rows, not HTTP: the cap is the point here, not the sign-in).
      const now = Date.now();
      await a.app.gatehouse.ctx.storage.db
        .insertInto('token_families')
        .values(
          Array.from({ length: MAX_FAMILIES_PER_USER - 1 }, (_, i) => ({
            id: `cap-${capped.id}-${i}`,
            user_id: capped.id,
            workspace_id: null,
            created_at: now + i,
            expires_at: now + 3_600_000,
            revoked_at: null,
            revoked_reason: null,
            user_agent: null,
            ip: null,
            client_id: null,
            scope: null,
            resource: null,
            auth_time: null,
            amr: null,
          })),
        )
        .execute();
      expect((await me(b, accessToken)).status).toBe(200);
      // One more grant, exchanged on A, ends the oldest: the grant B has cached.
      const newest = await exchange(a, await tokens(capped));
      expect(newest.status).toBe(200);
      const ended = await withinDeliveryBound(
        () => me(b, accessToken),
        (answer) => answer.status !== 200,
      );
      expect(ended.status).toBe(401);
      expect((await me(b, newest.body['access_token'] as string)).status).toBe(200);
    });
  },
);
