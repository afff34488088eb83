import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userAdminCommand } from '../src/cli/user-admin.js';
import { testDatabases } from './support/databases.js';
import { twoInstances } from './support/instances.js';
import { codeFlow, type OAuthTestServer, postForm, REDIRECT_URI, startOAuthServer } from './support/oauth.js';
import { CHEAP_HASHES, MANY_SIGN_INS, type TestServer, type TestUser } from './support/server.js';

type Client = { id: string; secret: string };

/** A user grant's access token for `client`, through the login and consent pages and the code exchange. */
async function userAccessToken(
  server: TestServer,
  client: Client,
  user: { email: string; password: string },
): Promise<string> {
  const exchanged = await codeFlow(server, client, user);
  expect(exchanged.status).toBe(200);
  return exchanged.body['access_token'] as string;
}

async function clientCredentialsToken(server: TestServer, client: Client): Promise<string> {
  const answer = await postForm(server, '/oauth2/token', { grant_type: 'client_credentials' }, client);
  expect(answer.status).toBe(200);
  return answer.body['access_token'] as string;
}

const introspect = async (server: TestServer, client: Client, token: string) =>
  (await postForm(server, '/oauth2/introspect', { token }, client)).body;

/*
 * Introspection answers revocation questions from memory (the denylist per jti, the grant's token family),
 * kept current by the invalidation bus (features/oauth/feature.ts). A revocation must still hold on the
 * instance that made it at once, under concurrent introspections of the same token, and after a restart.
 */
describe.each(testDatabases)('introspection from the revocation caches on %s', (database) => {
  let server: TestServer;
  let user: TestUser;
  let client: Client;
  beforeAll(async () => {
    const started = await startOAuthServer(database);
    server = started;
    user = started.user;
    const { clientId, clientSecret } = await started.register();
    client = { id: clientId, secret: clientSecret! };
  });
  afterAll(() => server.close());

  it('a client-credentials token revoked while it is being introspected is inactive from the revocation on', async () => {
    const token = await clientCredentialsToken(server, client);
    expect(await introspect(server, client, token)).toMatchObject({ active: true, client_id: client.id });
    // Cached now: a second answer comes from memory.
    expect(await introspect(server, client, token)).toMatchObject({ active: true });
    const during = Array.from({ length: 20 }, () => introspect(server, client, token));
    const revoked = await postForm(server, '/oauth2/revoke', { token }, client);
    expect(revoked.status).toBe(200);
    const after = await Promise.all(Array.from({ length: 20 }, () => introspect(server, client, token)));
    for (const answer of after) expect(answer).toEqual({ active: false });
    // Those in flight when the revocation ran may answer either way; none may leave a stale entry behind.
    await Promise.all(during);
    expect(await introspect(server, client, token)).toEqual({ active: false });
  });

  it('a revoked grant and a revoked client-credentials token stay inactive after a restart', async () => {
    const userToken = await userAccessToken(server, client, user);
    const ccToken = await clientCredentialsToken(server, client);
    expect(await introspect(server, client, userToken)).toMatchObject({ active: true, sub: user.id });
    expect(await introspect(server, client, ccToken)).toMatchObject({ active: true });
    await postForm(server, '/oauth2/revoke', { token: userToken }, client);
    await postForm(server, '/oauth2/revoke', { token: ccToken }, client);
    expect(await introspect(server, client, userToken)).toEqual({ active: false });
    expect(await introspect(server, client, ccToken)).toEqual({ active: false });
    server = await server.restart();
    expect(await introspect(server, client, userToken)).toEqual({ active: false });
    expect(await introspect(server, client, ccToken)).toEqual({ active: false });
  });
});

describe.runIf(testDatabases.includes('sqlite'))('introspection on SQLite beside the command line', () => {
  let server: OAuthTestServer;
  let client: Client;
  beforeAll(async () => {
    server = await startOAuthServer('sqlite');
    const { clientId, clientSecret } = await server.register();
    client = { id: clientId, secret: clientSecret! };
  });
  afterAll(() => server.close());

  it('a user disabled by `gatehouse users disable` in another process is inactive on the next introspection', async () => {
    const user = await server.createUser();
    const token = await userAccessToken(server, client, user);
    expect(await introspect(server, client, token)).toMatchObject({ active: true, sub: user.id });
    expect(await introspect(server, client, token)).toMatchObject({ active: true });
    // The command builds its own app on the same file, as a separate process would: no bus reaches the server.
    await userAdminCommand(server.config, 'disable', user.email, {}, () => undefined);
    expect(await introspect(server, client, token)).toEqual({ active: false });
  });
});

/** docs/deployment.md: while an instance's listener reconnects, revocations reach it only from the database. */
describe.runIf(testDatabases.includes('postgres'))('introspection on two PostgreSQL instances', () => {
  let a: TestServer;
  let b: TestServer;
  let endListenerOfB: () => Promise<void>;
  let client: Client;
  const applicationName = `gh_introspect_${randomBytes(4).toString('hex')}`;
  // B's connections carry a name of their own, so the test can end B's listener and nothing else.
  twoInstances(
    { env: { ...MANY_SIGN_INS, ...CHEAP_HASHES }, publicUrlIsA: true, bApplicationName: applicationName },
    (started) => ({ a, b, endListenerOfB } = started),
  );
  beforeAll(async () => {
    const { client: created, secret } = await a.app.gatehouse.oauth.clients.create({
      name: 'Two instances',
      redirectUris: [REDIRECT_URI],
      grantTypes: ['client_credentials'],
      scope: 'api:read',
    });
    client = { id: created.id, secret: secret! };
  });

  it("a token revoked on A while B's listener is down is inactive on B at once", async () => {
    const token = await clientCredentialsToken(a, client);
    expect(await introspect(b, client, token)).toMatchObject({ active: true });
    await endListenerOfB();
    // Cached again while the listener is down (if B cached it, the revocation below could not reach it).
    expect(await introspect(b, client, token)).toMatchObject({ active: true });
    expect((await postForm(a, '/oauth2/revoke', { token }, client)).status).toBe(200);
    // No polling: B either still has no listener and asks the database, or reconnected and dropped its cache.
    expect(await introspect(b, client, token)).toEqual({ active: false });
  });
});
