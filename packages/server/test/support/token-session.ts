/** Helpers for tests of token sign-in (access + refresh pair). */
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { type JsonResponse, request } from './http.js';

export interface TokenPair {
  token: string;
  refreshToken: string;
  expiresIn: number;
  tokenType: string;
  user: Record<string, unknown>;
  workspace: Record<string, unknown> | null;
}

/** A clock for `startTestServer({ now })` that runs with real time and can be moved forward. */
export function testClock() {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance(seconds: number) {
      offset += seconds * 1000;
    },
  };
}

/** Signs in with `authType: 'oauth'`; returns the pair (throws if sign-in failed). */
export async function signInWithTokens(baseUrl: string, login: string, password: string): Promise<TokenPair> {
  const res = await request<{ payload: TokenPair }>(baseUrl, '/api/signin', {
    body: { username: login, password, authType: 'oauth' },
  });
  if (res.status !== 200)
    throw new Error(`token sign-in failed with ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.payload;
}

/** POST /api/token/refresh the Qelos way: the refresh token as the bearer credential, no body. */
export function refresh(
  baseUrl: string,
  refreshToken: string,
): Promise<JsonResponse<{ payload: TokenPair }>> {
  return request<{ payload: TokenPair }>(baseUrl, '/api/token/refresh', {
    method: 'POST',
    headers: { authorization: `Bearer ${refreshToken}` },
  });
}

/** GET /api/me with a bearer access token. */
export function me(baseUrl: string, accessToken: string): Promise<JsonResponse> {
  return request(baseUrl, '/api/me', { headers: { authorization: `Bearer ${accessToken}` } });
}

export function claimsOf(token: string) {
  return { header: decodeProtectedHeader(token), claims: decodeJwt(token) };
}

/** The RFC 6750 §3 answer to a bad bearer credential. */
export function isInvalidTokenResponse(res: JsonResponse): boolean {
  return (
    res.status === 401 &&
    (res.headers.get('www-authenticate') ?? '').startsWith('Bearer error="invalid_token"')
  );
}
