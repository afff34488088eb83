import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateKeysCommand } from '../src/cli/keys.js';
import { request } from './support/http.js';
import { authorizeInBrowser, type OAuthTestServer, startOAuthServer } from './support/oauth.js';
import { authorizationRequest, discoverClient } from './support/relying-party.js';
import { testDatabases } from './support/server.js';

type Jwks = { keys: Array<Record<string, string>> };

/** Polls until `check` holds: the rotation reaches the server by NOTIFY (PostgreSQL) or its next key read (SQLite). */
async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/*
 * Issue 11 item 2 for ID tokens, with real relying parties: after `gatehouse keys rotate`, an ID token
 * signed with the old RS256 key still verifies through the JWKS (jose, as docs/oauth.md shows), and new
 * ID tokens are signed with the new key, which openid-client finds in the same JWKS.
 */
describe.each(testDatabases)('ID-token key rotation on %s', (database) => {
  let server: OAuthTestServer;
  let offsetMs = 0;
  beforeAll(async () => {
    server = await startOAuthServer(database, { now: () => Date.now() + offsetMs });
  });
  afterAll(() => server.close());

  const discover = (clientId: string, clientSecret: string) =>
    discoverClient(server, clientId, clientSecret, { auth: client.ClientSecretBasic(clientSecret) });

  it('keeps the old RS256 key published for tokens it signed, and signs new ID tokens with the new one', async () => {
    const { clientId, clientSecret } = await server.register();
    const before = await discover(clientId, clientSecret!);
    const { url, exchange } = await authorizationRequest(before, 'openid offline_access');
    const { callback } = await authorizeInBrowser(server, url.href, server.user);
    const tokens = await exchange(callback);
    const oldKid = decodeProtectedHeader(tokens.id_token!).kid;
    expect(decodeProtectedHeader(tokens.id_token!).alg).toBe('RS256');

    const output: string[] = [];
    await rotateKeysCommand(server.config, (line) => output.push(line));
    expect(output).toEqual(expect.arrayContaining([expect.stringMatching(/^new RS256 signing key \S+$/)]));
    expect(output).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^retired ${oldKid}: still verifies until `)),
      ]),
    );
    const rs256 = async () =>
      (await request<Jwks>(server.url, '/oauth2/jwks')).body.keys.filter((key) => key['alg'] === 'RS256');
    // SQLite: the server re-reads its keys at most a minute after its last look; then the clock is put back.
    offsetMs = 61_000;
    await eventually(async () => (await rs256()).length === 2);
    offsetMs = 0;
    const published = (await rs256()).map((key) => key['kid']);
    expect(published).toContain(oldKid);
    for (const key of await rs256())
      expect(Object.keys(key).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);

    // The ID token signed before the rotation still verifies with the published keys.
    const jwks = createRemoteJWKSet(new URL(`${server.url}/oauth2/jwks`));
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer: server.url, audience: clientId });
    expect(payload.sub).toBe(server.user.id);

    // A refresh after the rotation: the new ID token names the new key, and a relying party validates it.
    const after = await discover(clientId, clientSecret!);
    const refreshed = await client.refreshTokenGrant(after, tokens.refresh_token!);
    const newKid = decodeProtectedHeader(refreshed.id_token!).kid;
    expect(newKid).not.toBe(oldKid);
    expect(published).toContain(newKid);
    expect(refreshed.claims()!.sub).toBe(server.user.id);
  });
});
