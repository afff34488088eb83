import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OAuthTestServer, startOAuthServer } from './support/oauth.js';

const run = promisify(execFile);
const EXAMPLE = fileURLToPath(
  new URL('../../../docs/examples/oauth-client-credentials.mjs', import.meta.url),
);
const GUIDE = fileURLToPath(new URL('../../../docs/oauth.md', import.meta.url));

/** docs/oauth.md's openid-client example, run as written against a running Gatehouse. */
describe('the openid-client example in docs/oauth.md', () => {
  let server: OAuthTestServer;
  beforeAll(async () => {
    server = await startOAuthServer('sqlite');
  });
  afterAll(() => server.close());

  it('is the file the guide shows, and it gets, introspects and revokes a token', async () => {
    const code = readFileSync(EXAMPLE, 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('//'))
      .join('\n')
      .trim();
    expect(readFileSync(GUIDE, 'utf8')).toContain(code);
    const { clientId, clientSecret } = await server.register({
      grantTypes: ['client_credentials'],
      scope: 'api:read',
    });
    const { stdout } = await run(process.execPath, [EXAMPLE], {
      env: { ...process.env, GATEHOUSE_URL: server.url, CLIENT_ID: clientId, CLIENT_SECRET: clientSecret },
    });
    expect(stdout.trim().split('\n')).toEqual([
      'access token expires in 600 seconds',
      `active: true client: ${clientId} scope: api:read`,
      'after revocation, active: false',
    ]);
  });
});
