import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsCommand } from '../src/cli/clients.js';
import { testDatabases } from './support/databases.js';
import { request, signInWithCookie } from './support/http.js';
import { twoInstances, withinDeliveryBound } from './support/instances.js';
import { codeFlow, postForm, REDIRECT_URI, RESOURCE } from './support/oauth.js';
import {
  CHEAP_HASHES,
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  type TestUser,
} from './support/server.js';

type Client = { id: string; secret: string };

/*
 * docs/oauth.md "Deleting a client": every token of a deleted client stops being active, its
 * client_credentials tokens (which have no grant to end) as much as its users' grants, at introspection,
 * userinfo and /api. Another instance on the same PostgreSQL follows within the delivery bound of
 * docs/deployment.md (1 s); the two-instance tests poll every 10 ms within it (`withinDeliveryBound`).
 */

const ENV = { ...MANY_SIGN_INS, ...CHEAP_HASHES };

/** The client that will be deleted, and a resource server that introspects its tokens. */
async function registerClients(server: TestServer): Promise<{ doomed: Client; resourceServer: Client }> {
  const { oauth } = server.app.gatehouse;
  const doomed = await oauth.clients.create({
    name: 'Doomed app',
    redirectUris: [REDIRECT_URI],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
    scope: 'openid profile offline_access profile:read api:read',
    resources: [RESOURCE],
  });
  const resourceServer = await oauth.clients.create({
    name: 'Resource server',
    grantTypes: ['client_credentials'],
    scope: 'api:read',
    resources: [RESOURCE],
  });
  return {
    doomed: { id: doomed.client.id, secret: doomed.secret! },
    resourceServer: { id: resourceServer.client.id, secret: resourceServer.secret! },
  };
}

/** The tokens a client holds: client credentials, and a user's grant for RESOURCE and for Gatehouse's API. */
async function issueTokens(
  server: TestServer,
  client: Client,
  user: TestUser,
): Promise<{ clientCredentials: string; forResource: string; refresh: string; forApi: string }> {
  const cc = await postForm(
    server,
    '/oauth2/token',
    { grant_type: 'client_credentials', resource: RESOURCE },
    client,
  );
  expect(cc.status).toBe(200);
  const userGrant = async (extra: Record<string, string>) => {
    const authorize = { scope: 'openid profile offline_access profile:read' };
    const exchanged = await codeFlow(server, client, user, { authorize, extra });
    expect(exchanged.status).toBe(200);
    return exchanged.body as { access_token: string; refresh_token: string };
  };
  const forResource = await userGrant({ resource: RESOURCE });
  const forApi = await userGrant({});
  return {
    clientCredentials: cc.body['access_token'] as string,
    forResource: forResource.access_token,
    refresh: forResource.refresh_token,
    forApi: forApi.access_token,
  };
}

const introspect = async (server: TestServer, client: Client, token: string) =>
  (await postForm(server, '/oauth2/introspect', { token }, client)).body;
const userinfo = (server: TestServer, token: string) =>
  fetch(`${server.url}/oauth2/userinfo`, { headers: { authorization: `Bearer ${token}` } });
const me = (server: TestServer, token: string) =>
  fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });

/** Every token is in use before the deletion, so each instance has it (and its client) cached. */
async function expectAllActive(
  server: TestServer,
  resourceServer: Client,
  tokens: Awaited<ReturnType<typeof issueTokens>>,
): Promise<void> {
  for (const token of [tokens.clientCredentials, tokens.forResource])
    for (let i = 0; i < 2; i += 1)
      expect(await introspect(server, resourceServer, token)).toMatchObject({ active: true });
  expect((await userinfo(server, tokens.forResource)).status).toBe(200);
  expect((await me(server, tokens.forApi)).status).toBe(200);
}

async function adminDelete(server: TestServer, cookie: string, clientId: string): Promise<void> {
  const deleted = await request(server.url, `/api/admin/oauth/clients/${clientId}`, {
    method: 'DELETE',
    cookie,
    headers: { origin: server.url },
  });
  expect(deleted.status).toBe(200);
}

describe.each(testDatabases)('deleting an OAuth client on %s', (database) => {
  let server: TestServer;
  let user: TestUser;
  let adminCookie: string;
  beforeAll(async () => {
    server = await startTestServer({ database, publicUrlIsAddress: true, env: ENV });
    user = await server.createUser();
    const admin = await server.createUser({ admin: true });
    adminCookie = await signInWithCookie(server.url, admin.email, admin.password);
  });
  afterAll(() => server.close());

  it('ends every token it holds: client credentials, access and refresh tokens, at introspection, userinfo and /api', async () => {
    const { doomed, resourceServer } = await registerClients(server);
    const tokens = await issueTokens(server, doomed, user);
    const ownToken = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'client_credentials' },
      resourceServer,
    );
    await expectAllActive(server, resourceServer, tokens);

    await adminDelete(server, adminCookie, doomed.id);

    expect(await introspect(server, resourceServer, tokens.clientCredentials)).toEqual({ active: false });
    expect(await introspect(server, resourceServer, tokens.forResource)).toEqual({ active: false });
    expect((await userinfo(server, tokens.forResource)).status).toBe(401);
    expect((await me(server, tokens.forApi)).status).toBe(401);
    const refreshed = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'refresh_token', refresh_token: tokens.refresh },
      doomed,
    );
    expect(refreshed.status).toBe(401);
    expect(refreshed.body).toMatchObject({ error: 'invalid_client' });
    // The client itself can no longer ask about anything.
    expect((await postForm(server, '/oauth2/introspect', { token: tokens.refresh }, doomed)).status).toBe(
      401,
    );
    // Other clients' tokens are untouched.
    expect(await introspect(server, resourceServer, ownToken.body['access_token'] as string)).toMatchObject({
      active: true,
    });
  });

  it('the command line deleting it (another connection) ends its tokens on the next request', async () => {
    const { doomed, resourceServer } = await registerClients(server);
    const tokens = await issueTokens(server, doomed, user);
    await expectAllActive(server, resourceServer, tokens);

    await clientsCommand(server.config, 'delete', doomed.id, {}, () => undefined);

    // SQLite: seen at the start of the next request, so the first answer counts. PostgreSQL: the command
    // line's NOTIFY arrives within the delivery bound, polled for the first check.
    const first = () => introspect(server, resourceServer, tokens.clientCredentials);
    const introspected =
      database === 'sqlite'
        ? await first()
        : await withinDeliveryBound(first, (body) => body['active'] === false);
    expect(introspected).toEqual({ active: false });
    expect(await introspect(server, resourceServer, tokens.forResource)).toEqual({ active: false });
    expect((await userinfo(server, tokens.forResource)).status).toBe(401);
    expect((await me(server, tokens.forApi)).status).toBe(401);
  });
});

describe.runIf(testDatabases.includes('postgres'))(
  'deleting an OAuth client on one of two instances of one PostgreSQL',
  () => {
    let a: TestServer;
    let b: TestServer;
    let endListenerOfB: () => Promise<void>;
    let user: TestUser;
    let adminCookie: string;
    const applicationName = `gh_delete_${randomBytes(4).toString('hex')}`;
    // One issuer for both (the public URL is instance A's address); B's connections carry a name of their
    // own, so a test can end B's listener and nothing else.
    twoInstances(
      { env: ENV, publicUrlIsA: true, bApplicationName: applicationName },
      (started) => ({ a, b, endListenerOfB } = started),
    );
    beforeAll(async () => {
      user = await a.createUser();
      const admin = await a.createUser({ admin: true });
      adminCookie = await signInWithCookie(a.url, admin.email, admin.password);
    });

    it('a client deleted on A has none of its tokens active on B within the delivery bound', async () => {
      const { doomed, resourceServer } = await registerClients(a);
      const tokens = await issueTokens(a, doomed, user);
      // B issues a client-credentials token too, and has everything cached.
      const onB = await postForm(
        b,
        '/oauth2/token',
        { grant_type: 'client_credentials', resource: RESOURCE },
        doomed,
      );
      expect(onB.status).toBe(200);
      const ccOnB = onB.body['access_token'] as string;
      await expectAllActive(b, resourceServer, tokens);
      expect(await introspect(b, resourceServer, ccOnB)).toMatchObject({ active: true });

      await adminDelete(a, adminCookie, doomed.id);

      for (const token of [tokens.clientCredentials, ccOnB, tokens.forResource]) {
        const answer = await withinDeliveryBound(
          () => introspect(b, resourceServer, token),
          (body) => body['active'] === false,
        );
        expect(answer).toEqual({ active: false });
      }
      const info = await withinDeliveryBound(
        () => userinfo(b, tokens.forResource),
        (response) => response.status !== 200,
      );
      expect(info.status).toBe(401);
      const api = await withinDeliveryBound(
        () => me(b, tokens.forApi),
        (response) => response.status !== 200,
      );
      expect(api.status).toBe(401);
      const issued = await withinDeliveryBound(
        () => postForm(b, '/oauth2/token', { grant_type: 'client_credentials' }, doomed),
        (answer) => answer.status !== 200,
      );
      expect(issued.status).toBe(401);
    });

    it("a client deleted on A while B's listener is down has its tokens inactive on B at once", async () => {
      const { doomed, resourceServer } = await registerClients(a);
      const tokens = await issueTokens(a, doomed, user);
      await expectAllActive(b, resourceServer, tokens);
      await endListenerOfB();
      // Cached again while the listener is down (a deletion published meanwhile could not reach it).
      await expectAllActive(b, resourceServer, tokens);

      await adminDelete(a, adminCookie, doomed.id);

      // No polling: B either still has no listener and asks the database, or reconnected and dropped its cache.
      expect(await introspect(b, resourceServer, tokens.clientCredentials)).toEqual({ active: false });
      expect(await introspect(b, resourceServer, tokens.forResource)).toEqual({ active: false });
    });
  },
);
