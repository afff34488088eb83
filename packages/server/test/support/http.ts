/** Small fetch helpers for tests that talk HTTP to a test server. */

export interface JsonResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  /** `name=value` of every Set-Cookie, for sending back as a Cookie header. */
  cookies: string[];
}

export async function request<T = Record<string, unknown>>(
  baseUrl: string,
  path: string,
  init: {
    method?: string;
    body?: unknown;
    headers?: Record<string, string>;
    cookie?: string;
    raw?: string;
  } = {},
): Promise<JsonResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.body !== undefined || init.raw !== undefined) headers['content-type'] ??= 'application/json';
  if (init.cookie) headers['cookie'] = init.cookie;
  const response = await fetch(baseUrl + path, {
    method: init.method ?? (init.body !== undefined || init.raw !== undefined ? 'POST' : 'GET'),
    headers,
    ...((init.body !== undefined || init.raw !== undefined) && {
      body: init.raw ?? JSON.stringify(init.body),
    }),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // leave as text
  }
  return {
    status: response.status,
    headers: response.headers,
    body: body as T,
    cookies: response.headers.getSetCookie().map((c) => c.split(';')[0]!),
  };
}

/** Signs in with a cookie session; returns the Cookie header value to send back. */
export async function signInWithCookie(baseUrl: string, login: string, password: string): Promise<string> {
  const res = await request(baseUrl, '/api/signin', { body: { username: login, password } });
  if (res.status !== 200) throw new Error(`sign-in failed with ${res.status}: ${JSON.stringify(res.body)}`);
  return sessionCookieOf(res);
}

/** The session cookie (`name=value`) a sign-in answer set; throws when it set none. */
export function sessionCookieOf(response: Pick<JsonResponse<unknown>, 'cookies'>): string {
  const cookie = response.cookies.find((c) => c.includes('gatehouse_session='));
  if (!cookie) throw new Error('sign-in set no session cookie');
  return cookie;
}
