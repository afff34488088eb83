import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * GitHub's and Facebook's sign-in APIs are plain OAuth 2.0 with their own profile endpoints, not OpenID
 * Connect, so no off-the-shelf provider plays them. These are small local servers that answer their
 * documented endpoints with their documented response shapes (an auto-approving authorize endpoint, the
 * token endpoint with PKCE and the client secret checked, GitHub `GET /user` and `GET /user/emails`,
 * Facebook Graph `GET /me?fields=…` with `appsecret_proof`), so Gatehouse's real client code runs against
 * them unchanged through endpoint overrides.
 */
export interface GithubAccount {
  id: number;
  login: string;
  name: string | null;
  emails: { email: string; primary: boolean; verified: boolean; visibility: string | null }[];
}

export interface FacebookAccount {
  id: string;
  name: string;
  first_name: string;
  last_name: string;
  email?: string;
}

export interface OAuthFake {
  url: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

interface Grant {
  account: string;
  challenge: string | null;
  redirectUri: string;
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/**
 * One fake authorization server: `/authorize` approves at once as `current()` (the account the test chose),
 * `/token` swaps the code once, checking client secret, redirect URI and PKCE; `resource` answers the rest.
 */
async function startFake(
  paths: { authorize: string; token: string },
  current: () => string,
  resource: (path: URL, account: string, token: string, response: ServerResponse) => void,
): Promise<OAuthFake & { tokens: Map<string, string> }> {
  const clientId = `client-${randomBytes(4).toString('hex')}`;
  const clientSecret = randomBytes(16).toString('hex');
  const grants = new Map<string, Grant>();
  const tokens = new Map<string, string>();
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://fake.invalid');
    if (request.method === 'GET' && url.pathname === paths.authorize) {
      const redirect = new URL(url.searchParams.get('redirect_uri') ?? '');
      if (url.searchParams.get('client_id') !== clientId) return send(response, 400, { error: 'bad client' });
      const code = randomBytes(12).toString('hex');
      grants.set(code, {
        account: current(),
        challenge: url.searchParams.get('code_challenge'),
        redirectUri: redirect.href,
      });
      redirect.searchParams.set('code', code);
      redirect.searchParams.set('state', url.searchParams.get('state') ?? '');
      response.writeHead(302, { location: redirect.href });
      return response.end();
    }
    if (request.method === 'POST' && url.pathname === paths.token) {
      const form = await readForm(request);
      const code = form.get('code') ?? '';
      const grant = grants.get(code);
      grants.delete(code);
      const ok =
        grant !== undefined &&
        form.get('client_id') === clientId &&
        form.get('client_secret') === clientSecret &&
        form.get('redirect_uri') === grant.redirectUri &&
        (grant.challenge === null || s256(form.get('code_verifier') ?? '') === grant.challenge);
      // GitHub answers errors with 200 and an `error` member; both providers document `bad_verification_code`.
      if (!ok) return send(response, 400, { error: 'bad_verification_code' });
      const token = randomBytes(16).toString('hex');
      tokens.set(token, grant.account);
      return send(response, 200, {
        access_token: token,
        token_type: 'bearer',
        scope: 'read:user,user:email',
      });
    }
    const token = /^(?:Bearer|token) (.+)$/i.exec(request.headers.authorization ?? '')?.[1] ?? '';
    const account = tokens.get(token);
    if (!account) return send(response, 401, { message: 'Bad credentials' });
    resource(url, account, token, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clientId,
    clientSecret,
    tokens,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** GitHub: `/login/oauth/authorize`, `/login/oauth/access_token`, `/user`, `/user/emails`. */
export async function startGithubFake(accounts: Map<string, GithubAccount>, current: () => string) {
  const fake = await startFake(
    { authorize: '/login/oauth/authorize', token: '/login/oauth/access_token' },
    current,
    (url, login, _token, response) => {
      const account = accounts.get(login);
      if (!account) return send(response, 404, { message: 'Not Found' });
      if (url.pathname === '/user') {
        const primary = account.emails.find((e) => e.primary && e.visibility === 'public');
        return send(response, 200, {
          login: account.login,
          id: account.id,
          name: account.name,
          email: primary?.email ?? null,
        });
      }
      if (url.pathname === '/user/emails') return send(response, 200, account.emails);
      send(response, 404, { message: 'Not Found' });
    },
  );
  return {
    ...fake,
    endpoints: {
      authorizationEndpoint: `${fake.url}/login/oauth/authorize`,
      tokenEndpoint: `${fake.url}/login/oauth/access_token`,
      userinfoEndpoint: `${fake.url}/user`,
    },
  };
}

/** Facebook: `/v19.0/dialog/oauth`, `/v19.0/oauth/access_token`, Graph `/v19.0/me?fields=…`. */
export async function startFacebookFake(accounts: Map<string, FacebookAccount>, current: () => string) {
  let secret = '';
  const fake = await startFake(
    { authorize: '/v19.0/dialog/oauth', token: '/v19.0/oauth/access_token' },
    current,
    (url, id, token, response) => {
      const account = accounts.get(id);
      if (url.pathname !== '/v19.0/me' || !account)
        return send(response, 404, { error: { message: 'Unknown' } });
      // Graph refuses a call whose appsecret_proof does not match (when the app requires it).
      const proof = createHmac('sha256', secret).update(token).digest('hex');
      if (url.searchParams.get('appsecret_proof') !== proof)
        return send(response, 400, { error: { message: 'Invalid appsecret_proof', code: 100 } });
      const fields = (url.searchParams.get('fields') ?? 'id,name').split(',');
      const answer: Record<string, unknown> = {};
      for (const field of fields)
        if (field in account) answer[field] = account[field as keyof FacebookAccount];
      send(response, 200, answer);
    },
  );
  secret = fake.clientSecret;
  return {
    ...fake,
    endpoints: {
      authorizationEndpoint: `${fake.url}/v19.0/dialog/oauth`,
      tokenEndpoint: `${fake.url}/v19.0/oauth/access_token`,
      userinfoEndpoint: `${fake.url}/v19.0/me`,
    },
  };
}
