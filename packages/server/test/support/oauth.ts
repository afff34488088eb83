import { createHash, randomBytes } from 'node:crypto';
import {
  CHEAP_HASHES,
  MANY_SIGN_INS,
  startTestServer,
  type TestDatabase,
  type TestServer,
  type TestUser,
} from './server.js';

/** A page as a browser sees it: status, redirect target, HTML, headers. */
export interface FetchedPage {
  status: number;
  location?: string;
  html: string;
  headers: Headers;
}

/**
 * Just enough of a browser for the login and consent pages: keeps cookies (one site), does not follow
 * redirects by itself, posts forms with the Origin a browser would send.
 */
export class FormBrowser {
  readonly cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  get(url: string): Promise<FetchedPage> {
    return this.#send(url, { method: 'GET' });
  }

  post(
    url: string,
    fields: Record<string, string>,
    headers: Record<string, string> = { origin: this.origin },
  ): Promise<FetchedPage> {
    return this.#send(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async #send(url: string, init: RequestInit): Promise<FetchedPage> {
    const headers = new Headers(init.headers);
    if (this.cookies.size)
      headers.set('cookie', [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(new URL(url, this.origin), { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const [name = '', value = ''] = pair.split(/=(.*)/s);
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name.trim());
      else this.cookies.set(name.trim(), value);
    }
    const location = response.headers.get('location');
    return {
      status: response.status,
      html: await response.text(),
      headers: response.headers,
      ...(location ? { location: new URL(location, new URL(url, this.origin)).href } : {}),
    };
  }
}

/** A browser that holds `cookie` (`name=value`, as `request` and `signInWithCookie` give it). */
export function browserHolding(server: { url: string }, cookie: string): FormBrowser {
  const browser = new FormBrowser(server.url);
  const [name = '', value = ''] = cookie.split(/=(.*)/s);
  browser.cookies.set(name, value);
  return browser;
}

/** The login page's "Continue with …" links: where each goes (HTML-decoded) and its text. */
export const socialLinks = (html: string) =>
  [...html.matchAll(/<a class="social" href="([^"]+)">([^<]+)<\/a>/g)].map((match) => ({
    href: (match[1] ?? '').replaceAll('&amp;', '&'),
    label: match[2],
  }));

/** A hidden form field's value from a page. */
export const hiddenField = (html: string, name: string) =>
  new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';

export interface LoginOptions {
  decision?: 'allow' | 'deny';
  /** A browser that already has cookies (a signed-in session). */
  browser?: FormBrowser;
  /** A TOTP code (or recovery code) for the second-factor step. */
  code?: () => string;
}

/**
 * Follows an authorization URL like a browser: redirects are followed, the login page gets the user's
 * credentials, the consent page the decision. Resolves to the first URL off the server (the callback).
 */
export async function authorizeInBrowser(
  server: TestServer,
  authorizationUrl: string,
  user: { email: string; password: string },
  options: LoginOptions = {},
): Promise<{ callback: URL; browser: FormBrowser; pages: string[] }> {
  const browser = options.browser ?? new FormBrowser(server.url);
  const pages: string[] = [];
  let url = authorizationUrl;
  for (let step = 0; step < 12; step += 1) {
    if (new URL(url).origin !== server.url) return { callback: new URL(url), browser, pages };
    const page = await browser.get(url);
    if (page.location) {
      url = page.location;
      continue;
    }
    const { pathname } = new URL(url);
    pages.push(pathname);
    const form = { interaction: hiddenField(page.html, 'interaction'), csrf: hiddenField(page.html, 'csrf') };
    let answer: FetchedPage;
    if (pathname === '/oauth2/login') {
      answer = await browser.post('/oauth2/login', {
        ...form,
        username: user.email,
        password: user.password,
      });
      if (!answer.location && answer.html.includes('name="challenge"')) {
        pages.push('second-factor');
        const challenge = hiddenField(answer.html, 'challenge');
        answer = await browser.post('/oauth2/login', { ...form, challenge, code: options.code?.() ?? '' });
      }
    } else if (pathname === '/oauth2/consent') {
      answer = await browser.post('/oauth2/consent', { ...form, decision: options.decision ?? 'allow' });
    } else throw new Error(`unexpected page ${url} (${page.status}): ${page.html.slice(0, 300)}`);
    if (!answer.location)
      throw new Error(
        `${pathname} answered ${answer.status} without a redirect: ${answer.html.slice(0, 500)}`,
      );
    url = answer.location;
  }
  throw new Error('the authorization did not finish in 12 steps');
}

export const REDIRECT_URI = 'https://client.example/callback';
export const RESOURCE = 'https://api.example.test/';

export interface OAuthTestServer extends TestServer {
  user: TestUser;
  /** Registers a client directly (the admin API and CLI are tested on their own). */
  register(input?: Record<string, unknown>): Promise<{ clientId: string; clientSecret: string | undefined }>;
}

/** A Gatehouse whose public URL is its address (the issuer clients check), with one user. */
export async function startOAuthServer(
  database: TestDatabase,
  options: { env?: Record<string, string>; now?: () => number } = {},
): Promise<OAuthTestServer> {
  const server = await startTestServer({
    database,
    publicUrlIsAddress: true,
    env: { ...MANY_SIGN_INS, ...CHEAP_HASHES, ...options.env },
    ...(options.now && { now: options.now }),
  });
  const user = await server.createUser();
  return Object.assign(server, {
    user,
    async register(input: Record<string, unknown> = {}) {
      const { client, secret } = await server.app.gatehouse.oauth.clients.create({
        name: 'Test app',
        redirectUris: [REDIRECT_URI],
        grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
        scope: 'openid profile email offline_access profile:read api:read',
        resources: [RESOURCE],
        ...input,
      });
      return { clientId: client.id, clientSecret: secret };
    },
  });
}

/** A PKCE pair (RFC 7636): a fresh verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** An authorization URL with the usual parameters; `extra` adds or overrides (undefined removes). */
export function authorizeUrl(
  server: TestServer,
  clientId: string,
  extra: Record<string, string | undefined> = {},
): string {
  const url = new URL('/oauth2/authorize', server.url);
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email offline_access profile:read',
    state: 'state-1',
    ...extra,
  };
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.set(name, value);
  return url.href;
}

/** POST a form to a token-style endpoint, optionally with Basic client credentials. */
export async function postForm(
  server: TestServer,
  path: string,
  /** Name-value pairs; a list of pairs repeats a name (e.g. RFC 8707 `resource`). */
  fields: Record<string, string> | string[][],
  basic?: { id: string; secret: string },
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic)
    headers['authorization'] =
      `Basic ${Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64')}`;
  const response = await fetch(new URL(path, server.url), {
    method: 'POST',
    headers,
    body: new URLSearchParams(fields).toString(),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/**
 * The authorization code flow with PKCE for `client`: the login and consent pages as `user`, then the code
 * exchange. Resolves to the token endpoint's answer, unchecked. `extra` goes into the authorization URL and
 * the exchange both (e.g. an RFC 8707 `resource`); `authorize` into the authorization URL only (e.g. `scope`).
 */
export async function codeFlow(
  server: TestServer,
  client: { id: string; secret: string },
  user: { email: string; password: string },
  options: { extra?: Record<string, string>; authorize?: Record<string, string> } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const { verifier, challenge } = pkce();
  const url = authorizeUrl(server, client.id, {
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...options.authorize,
    ...options.extra,
  });
  const { callback } = await authorizeInBrowser(server, url, user);
  return postForm(
    server,
    '/oauth2/token',
    {
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      ...options.extra,
    },
    client,
  );
}
