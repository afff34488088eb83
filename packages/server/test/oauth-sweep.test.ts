import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sweeper } from '../src/features/housekeeping/sweep.js';
import {
  authorizeInBrowser,
  authorizeUrl,
  codeFlow,
  FormBrowser,
  type OAuthTestServer,
  pkce,
  postForm,
  startOAuthServer,
} from './support/oauth.js';
import { testDatabases } from './support/server.js';
import { testClock } from './support/token-session.js';

const HOUR = 3600;
type OAuthTable = 'oauth_codes' | 'oauth_interactions' | 'oauth_revoked_tokens';

/*
 * The authorization server's own single-use rows (pending logins, codes, denylisted client-credentials
 * tokens) are deleted by the housekeeping sweep (features/housekeeping/sweep.ts): at most a batch per table
 * per run, one instance at a time on PostgreSQL. Nothing the protocol still needs goes.
 */
describe.each(testDatabases)('the sweep of OAuth rows on %s', (database) => {
  let server: OAuthTestServer;
  let client: { id: string; secret: string };
  const clock = testClock();
  beforeAll(async () => {
    server = await startOAuthServer(database, { now: clock.now });
    const { clientId, clientSecret } = await server.register();
    client = { id: clientId, secret: clientSecret! };
  });
  afterAll(() => server.close());

  const db = () => server.app.gatehouse.ctx.storage.db;
  const count = async (table: OAuthTable) =>
    Number(
      (
        await db()
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const revokedClientToken = async () => {
    const issued = await postForm(
      server,
      '/oauth2/token',
      { grant_type: 'client_credentials', scope: 'api:read' },
      client,
    );
    const token = issued.body['access_token'] as string;
    await postForm(server, '/oauth2/revoke', { token }, client);
    return token;
  };
  const pendingLogin = async () => {
    const { challenge } = pkce();
    const browser = new FormBrowser(server.url);
    await browser.get(
      authorizeUrl(server, client.id, { code_challenge: challenge, code_challenge_method: 'S256' }),
    );
  };

  it('deletes expired interactions, codes an hour past their end and expired denylist entries; keeps live ones', async () => {
    // Dead by tomorrow: a pending login, a code exchanged and one never exchanged, a revoked token.
    await pendingLogin();
    expect((await codeFlow(server, client, server.user)).status).toBe(200);
    const { challenge } = pkce();
    const url = authorizeUrl(server, client.id, { code_challenge: challenge, code_challenge_method: 'S256' });
    await authorizeInBrowser(server, url, server.user);
    const oldToken = await revokedClientToken();

    clock.advance(25 * HOUR);
    // Live: a pending login and a revoked token from now.
    await pendingLogin();
    const liveToken = await revokedClientToken();
    const before = {
      codes: await count('oauth_codes'),
      interactions: await count('oauth_interactions'),
      revoked: await count('oauth_revoked_tokens'),
    };
    const result = await new Sweeper(server.app.gatehouse.ctx).run();
    expect(result.oauth_codes).toBe(before.codes);
    expect(await count('oauth_codes')).toBe(0);
    expect(await count('oauth_interactions')).toBe(1);
    expect(result.oauth_interactions).toBe(before.interactions - 1);
    expect(await count('oauth_revoked_tokens')).toBe(1);
    expect(result.oauth_revoked_tokens).toBe(before.revoked - 1);
    // The live denylist entry still refuses its token; the old one has expired by itself.
    expect((await postForm(server, '/oauth2/introspect', { token: liveToken }, client)).body).toEqual({
      active: false,
    });
    expect((await postForm(server, '/oauth2/introspect', { token: oldToken }, client)).body).toEqual({
      active: false,
    });
  });

  it('deletes at most a batch per table per run; the next runs work off the rest', async () => {
    const now = clock.now();
    await db()
      .insertInto('oauth_revoked_tokens')
      .values(Array.from({ length: 7 }, (_, i) => ({ jti: `dead-${database}-${i}`, expires_at: now - 1000 })))
      .execute();
    const before = await count('oauth_revoked_tokens');
    const sweeper = new Sweeper(server.app.gatehouse.ctx, 3);
    expect((await sweeper.run()).oauth_revoked_tokens).toBe(3);
    expect(await count('oauth_revoked_tokens')).toBe(before - 3);
    expect((await sweeper.run()).oauth_revoked_tokens).toBe(3);
    expect((await sweeper.run()).oauth_revoked_tokens).toBe(1);
    expect((await sweeper.run()).oauth_revoked_tokens).toBe(0);
  });
});
