/**
 * A real Gatehouse for the backend helpers' tests, from packages/server/test/support/server.ts, loaded
 * through a computed specifier so this package's TypeScript program stays inside packages/backend.
 */

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

export interface TestServer {
  url: string;
  createUser(input?: { admin?: boolean }): Promise<TestUser>;
  app: { gatehouse: { signingKeys: { rotate(): Promise<unknown> } } };
  close(): Promise<void>;
}

interface ServerTestSupport {
  startTestServer(options?: {
    publicUrlIsAddress?: boolean;
    env?: Record<string, string>;
  }): Promise<TestServer>;
}

const supportModule = new URL('../../../server/test/support/server.ts', import.meta.url).href;
const support = (await import(/* @vite-ignore */ supportModule)) as ServerTestSupport;

/** Gatehouse whose public URL (the tokens' issuer) is its own address. */
export function startGatehouse(env: Record<string, string> = {}): Promise<TestServer> {
  return support.startTestServer({ publicUrlIsAddress: true, env });
}

async function json(response: Response): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/** Signs in with a cookie session; returns `name=value` of the session cookie. */
export async function signInWithCookie(server: TestServer, user: TestUser): Promise<string> {
  const response = await fetch(`${server.url}/api/signin`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user.email, password: user.password }),
  });
  await json(response);
  const cookie = response.headers.getSetCookie().find((c) => c.includes('gatehouse_session='));
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0] ?? '';
}

/** Signs in for a token pair; returns the access token (a first-party JWT). */
export async function signInForToken(server: TestServer, user: TestUser): Promise<string> {
  const body = await json(
    await fetch(`${server.url}/api/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: user.email, password: user.password, authType: 'oauth' }),
    }),
  );
  return (body['payload'] as { token: string }).token;
}

/** An OAuth client allowed client_credentials for `scope` at `resource`; returns a token getter. */
export async function machineClient(
  server: TestServer,
  adminCookie: string,
  input: { scope: string; resource: string },
): Promise<(scope: string) => Promise<string>> {
  const created = await json(
    await fetch(`${server.url}/api/admin/oauth/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: adminCookie, origin: server.url },
      body: JSON.stringify({
        name: 'notes worker',
        grantTypes: ['client_credentials'],
        scope: input.scope,
        resources: [input.resource],
      }),
    }),
  );
  const basic = Buffer.from(`${created['client_id']}:${created['client_secret']}`).toString('base64');
  return async (scope) => {
    const token = await json(
      await fetch(`${server.url}/oauth2/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: input.resource }),
      }),
    );
    return token['access_token'] as string;
  };
}
