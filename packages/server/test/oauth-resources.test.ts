import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeInBrowser,
  type OAuthTestServer,
  postForm,
  REDIRECT_URI,
  startOAuthServer,
} from './support/oauth.js';
import { testDatabases } from './support/server.js';

const ORDERS = 'https://orders.example.test/';
const BILLING = 'https://billing.example.test/api';
const OTHER = 'https://other.example.test/';

const audienceOf = (jwt: string) =>
  (JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as { aud: unknown }).aud;

/*
 * RFC 8707 resource indicators, several per request, with openid-client and oauth4webapi unmodified: every
 * resource must be registered for the client, the access token's `aud` lists them, and the token and
 * refresh requests may narrow to some of the authorized ones, never widen.
 */
describe.each(testDatabases)('several resources (RFC 8707) on %s', (database) => {
  let server: OAuthTestServer;
  let config: client.Configuration;
  let credentials: { id: string; secret: string };
  beforeAll(async () => {
    server = await startOAuthServer(database);
    const registered = await server.register({ resources: [ORDERS, BILLING] });
    credentials = { id: registered.clientId, secret: registered.clientSecret! };
    config = await client.discovery(
      new URL(server.url),
      registered.clientId,
      registered.clientSecret,
      undefined,
      {
        execute: [client.allowInsecureRequests],
      },
    );
  });
  afterAll(() => server.close());

  async function authorize(resources: string[]) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const parameters = new URLSearchParams({
      redirect_uri: REDIRECT_URI,
      scope: 'openid offline_access profile:read',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
    });
    for (const resource of resources) parameters.append('resource', resource);
    const url = client.buildAuthorizationUrl(config, parameters);
    const { callback } = await authorizeInBrowser(server, url.href, server.user);
    return { callback, verifier, state };
  }

  it('issues one access token for every requested resource: aud is the list; a refresh may narrow to one', async () => {
    const { callback, verifier, state } = await authorize([ORDERS, BILLING]);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
    });
    expect(audienceOf(tokens.access_token)).toEqual([ORDERS, BILLING]);
    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    expect(introspected).toMatchObject({ active: true, aud: [ORDERS, BILLING] });

    // Widening to a resource the grant does not cover is refused, and costs the client nothing.
    await expect(
      client.refreshTokenGrant(config, tokens.refresh_token!, { resource: OTHER }),
    ).rejects.toMatchObject({ error: 'invalid_target' });
    const narrowed = await client.refreshTokenGrant(config, tokens.refresh_token!, { resource: BILLING });
    expect(audienceOf(narrowed.access_token)).toBe(BILLING);
    // The grant keeps both: the next refresh without `resource` is for both again.
    const again = await client.refreshTokenGrant(config, narrowed.refresh_token!);
    expect(audienceOf(again.access_token)).toEqual([ORDERS, BILLING]);
  });

  it('narrows at the token endpoint to some of the authorized resources, never to another one', async () => {
    const first = await authorize([ORDERS, BILLING]);
    const refused = await postForm(
      server,
      '/oauth2/token',
      [
        ['grant_type', 'authorization_code'],
        ['code', first.callback.searchParams.get('code')!],
        ['redirect_uri', REDIRECT_URI],
        ['code_verifier', first.verifier],
        ['resource', ORDERS],
        ['resource', OTHER],
      ],
      credentials,
    );
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_target' });

    const second = await authorize([ORDERS, BILLING]);
    const tokens = await client.authorizationCodeGrant(
      config,
      second.callback,
      { pkceCodeVerifier: second.verifier, expectedState: second.state },
      { resource: ORDERS },
    );
    expect(audienceOf(tokens.access_token)).toBe(ORDERS);
  });

  it('refuses an authorization request naming a resource the client is not registered for', async () => {
    const url = new URL('/oauth2/authorize', server.url);
    for (const [name, value] of [
      ['response_type', 'code'],
      ['client_id', credentials.id],
      ['redirect_uri', REDIRECT_URI],
      ['scope', 'openid'],
      ['state', 'resources'],
      ['resource', ORDERS],
      ['resource', OTHER],
    ] as const)
      url.searchParams.append(name, value);
    const response = await fetch(url, { redirect: 'manual' });
    const location = new URL(response.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('state')).toBe('resources');
  });

  it('gives oauth4webapi a client-credentials token for two resources, and refuses a third', async () => {
    const issuer = new URL(server.url);
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }),
    );
    const rp: oauth.Client = { client_id: credentials.id };
    const auth = oauth.ClientSecretBasic(credentials.secret);
    const request = (resources: string[]) => {
      const parameters = new URLSearchParams({ scope: 'api:read' });
      for (const resource of resources) parameters.append('resource', resource);
      return oauth.clientCredentialsGrantRequest(as, rp, auth, parameters, {
        [oauth.allowInsecureRequests]: true,
      });
    };
    const tokens = await oauth.processClientCredentialsResponse(as, rp, await request([ORDERS, BILLING]));
    expect(audienceOf(tokens.access_token)).toEqual([ORDERS, BILLING]);
    await expect(
      oauth.processClientCredentialsResponse(as, rp, await request([ORDERS, OTHER])),
    ).rejects.toMatchObject({ error: 'invalid_target' });
  });
});
