/**
 * Obtaining the credentials each operation replays, over HTTP as a client would. An endpoint another
 * engineer has not finished yet answers 400 or 404: that operation is reported "not available".
 */
import { SEED_PASSWORD, seedEmail } from './seed.js';

export class NotAvailable extends Error {
  override readonly name = 'NotAvailable';
}

export interface HttpAnswer {
  status: number;
  body: unknown;
  /** `name=value` of each Set-Cookie. */
  cookies: string[];
}

export async function call(
  origin: string,
  path: string,
  init: {
    method?: string;
    json?: unknown;
    form?: string;
    body?: string;
    headers?: Record<string, string>;
  } = {},
): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  } else if (init.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = init.form;
  }
  const response = await fetch(origin + path, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers,
    ...(body !== undefined && { body }),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: keep the text
  }
  return {
    status: response.status,
    body: parsed,
    cookies: response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]!),
  };
}

function describe(answer: HttpAnswer): string {
  const body = answer.body as { code?: string; message?: string } | null;
  return `${answer.status}${body?.code ? ` ${body.code}` : ''}${body?.message ? `: ${body.message}` : ''}`;
}

/** A Gatehouse cookie session for seeded account `index`: the Cookie header to send. */
export async function gatehouseCookie(origin: string, index: number): Promise<string> {
  const answer = await call(origin, '/api/signin', {
    json: { username: seedEmail(index), password: SEED_PASSWORD },
  });
  const cookie = answer.cookies.find((c) => c.startsWith('gatehouse_session='));
  if (answer.status !== 200 || !cookie) throw new Error(`Gatehouse cookie sign-in: ${describe(answer)}`);
  return cookie;
}

/** A Gatehouse token pair (`authType: 'oauth'`). */
export async function gatehouseTokens(
  origin: string,
  index: number,
): Promise<{ token: string; refreshToken: string }> {
  const answer = await call(origin, '/api/signin', {
    json: { username: seedEmail(index), password: SEED_PASSWORD, authType: 'oauth' },
  });
  if (answer.status === 400 || answer.status === 404)
    throw new NotAvailable(`token sign-in answers ${describe(answer)}`);
  const payload = (answer.body as { payload?: { token?: string; refreshToken?: string } }).payload;
  if (answer.status !== 200 || !payload?.token || !payload.refreshToken)
    throw new Error(`Gatehouse token sign-in: ${describe(answer)}`);
  return { token: payload.token, refreshToken: payload.refreshToken };
}

/** A Gatehouse API token for the account behind `cookie`. */
export async function gatehouseApiToken(origin: string, cookie: string): Promise<string> {
  const answer = await call(origin, '/api/me/api-tokens', {
    json: { nickname: 'bench', expiresAt: '30d' },
    headers: { cookie },
  });
  if (answer.status === 400 || answer.status === 404)
    throw new NotAvailable(`POST /api/me/api-tokens answers ${describe(answer)}`);
  const token = (answer.body as { token?: string }).token;
  if (answer.status !== 201 || !token) throw new Error(`Gatehouse API token: ${describe(answer)}`);
  return token;
}

/** Checks that POST /api/token/refresh exists before a chain of rotations is started. */
export async function assertRefreshAvailable(origin: string): Promise<void> {
  const answer = await call(origin, '/api/token/refresh', { json: { refreshToken: 'probe' } });
  if (answer.status === 404) throw new NotAvailable(`POST /api/token/refresh answers ${describe(answer)}`);
}

/** A better-auth session cookie (its email sign-in). */
export async function betterAuthCookie(origin: string, index: number): Promise<string> {
  const answer = await call(origin, '/api/auth/sign-in/email', {
    json: { email: seedEmail(index), password: SEED_PASSWORD },
    headers: { origin },
  });
  if (answer.status !== 200 || answer.cookies.length === 0)
    throw new Error(`better-auth sign-in: ${describe(answer)}`);
  return answer.cookies.join('; ');
}

export function basicAuth(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** An opaque client_credentials access token from oidc-provider, to introspect. */
export async function oidcAccessToken(origin: string, authorization: string): Promise<string> {
  const answer = await call(origin, '/token', {
    form: 'grant_type=client_credentials&scope=api',
    headers: { authorization },
  });
  const token = (answer.body as { access_token?: string }).access_token;
  if (answer.status !== 200 || !token) throw new Error(`oidc-provider token: ${JSON.stringify(answer.body)}`);
  return token;
}
