import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientsCommand } from '../src/cli/clients.js';
import { authorizeInBrowser, type OAuthTestServer, startOAuthServer } from './support/oauth.js';
import { authorizationRequest, discoverClient } from './support/relying-party.js';
import { testDatabases } from './support/server.js';

const headerOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { alg: string; kid: string };

/*
 * ID tokens are RS256 unless a client is registered with another `id_token_signed_response_alg` the signing
 * keys have (ES256, EdDSA): openid-client, told the client's algorithm, validates them through the JWKS.
 */
describe.each(testDatabases)('ID token signing algorithms on %s', (database) => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    server = await startOAuthServer(database);
  });
  afterAll(() => server.close());

  it('advertises RS256, ES256 and EdDSA in discovery', async () => {
    const metadata = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(metadata['id_token_signing_alg_values_supported']).toEqual(['RS256', 'ES256', 'EdDSA']);
  });

  it.each([
    ['RS256', undefined, 'sha256'],
    ['ES256', 'ES256', 'sha256'],
    ['EdDSA', 'EdDSA', 'sha512'],
  ] as const)('signs ID tokens with %s for a client registered for it; openid-client validates them', async (alg, registered, hash) => {
    const { clientId, clientSecret } = await server.register(
      registered ? { idTokenSignedResponseAlg: registered } : {},
    );
    const config = await discoverClient(server, clientId, clientSecret, {
      metadata: { id_token_signed_response_alg: alg },
      auth: client.ClientSecretBasic(clientSecret!),
    });
    const { url, exchange } = await authorizationRequest(config, 'openid offline_access profile:read');
    const { callback } = await authorizeInBrowser(server, url.href, server.user);
    const tokens = await exchange(callback);
    expect(headerOf(tokens.id_token!).alg).toBe(alg);
    // OIDC Core §3.1.3.6: at_hash uses the hash of the ID token's algorithm (SHA-512 for Ed25519).
    const digest = createHash(hash).update(tokens.access_token).digest();
    expect(tokens.claims()!['at_hash']).toBe(digest.subarray(0, digest.length / 2).toString('base64url'));
    // The refreshed ID token is signed the same way, and still validates.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(headerOf(refreshed.id_token!).alg).toBe(alg);
    expect(refreshed.claims()!.sub).toBe(server.user.id);
  });

  it('refuses an algorithm the signing keys do not have', async () => {
    await expect(server.register({ idTokenSignedResponseAlg: 'HS256' })).rejects.toMatchObject({
      status: 400,
    });
    const { clientId } = await server.register({ idTokenSignedResponseAlg: 'ES256' });
    const shown = await server.app.gatehouse.oauth.clients.get(clientId);
    expect(shown.idTokenAlg).toBe('ES256');
    // The command line sets it too (`gatehouse clients update <id> --id-token-alg EdDSA`) and shows it.
    const lines: string[] = [];
    await clientsCommand(
      server.config,
      'update',
      clientId,
      { idTokenAlg: 'EdDSA' },
      (line) => void lines.push(line),
    );
    await clientsCommand(server.config, 'show', clientId, {}, (line) => void lines.push(line));
    expect(lines.join('\n')).toMatch(/ID tokens\s+EdDSA/);
    expect((await server.app.gatehouse.oauth.clients.get(clientId)).idTokenAlg).toBe('EdDSA');
  });
});
