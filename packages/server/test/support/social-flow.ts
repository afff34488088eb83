import { expect } from 'vitest';
import { type FetchedPage, type FormBrowser, socialLinks } from './oauth.js';
import type { TestServer } from './server.js';
import { loginAtIdp, type OidcIdp } from './upstream-idp.js';

/**
 * Enables `names` (default: google) at Gatehouse as providers backed by the test IdP's clients of the same
 * names. `returnOrigins`: where a social login may send the browser back besides Gatehouse itself.
 */
export async function enableIdpProviders(
  server: TestServer,
  idp: OidcIdp,
  returnOrigins: string[],
  names: readonly (keyof OidcIdp['clients'])[] = ['google'],
): Promise<void> {
  for (const name of names)
    await server.app.gatehouse.social.providers.set(name, {
      clientId: idp.clients[name].clientId,
      clientSecret: idp.clients[name].clientSecret,
      issuer: idp.issuer,
      returnOrigins,
      enabled: true,
    });
}

/** The browser's side of a social login started at Gatehouse: where it was sent, and the state cookie. */
export interface StartedSocialLogin {
  status: number;
  location: string;
  /** `name=value` of Gatehouse's state cookie ('' when none was set). */
  stateCookie: string;
}

export async function startSocialLogin(
  server: TestServer,
  provider: string,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
): Promise<StartedSocialLogin> {
  const url = new URL(`/api/auth/${provider}`, server.url);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const response = await fetch(url, { redirect: 'manual', headers });
  const stateCookie =
    response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0] ?? '')
      .find((c) => /^(__Host-)?gatehouse_social_state_[\w-]+=/.test(c)) ?? '';
  return { status: response.status, location: response.headers.get('location') ?? '', stateCookie };
}

/**
 * Delivers the provider's redirect to Gatehouse's callback. The provider redirects to the public URL
 * (what was registered with it); the test server listens elsewhere, so only path and query are kept.
 */
export async function deliverCallback(server: TestServer, providerRedirect: URL, cookie: string) {
  const response = await fetch(new URL(providerRedirect.pathname + providerRedirect.search, server.url), {
    redirect: 'manual',
    headers: cookie ? { cookie } : {},
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    location: response.headers.get('location') ?? '',
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

/** The whole redirect dance through oidc-provider as `login`; resolves to the final redirect to the app. */
export async function socialLoginThroughIdp(
  server: TestServer,
  idp: OidcIdp,
  provider: string,
  login: string,
  query: Record<string, string> = {},
  headers: Record<string, string> = {},
) {
  const started = await startSocialLogin(server, provider, query, headers);
  if (started.status !== 302) throw new Error(`start answered ${started.status}`);
  const back = await loginAtIdp(idp, started.location, login);
  return deliverCallback(server, back, started.stateCookie);
}

/** The app's side: `rt`, `state` and `error` from the URL Gatehouse sent the browser back to. */
export function returned(location: string) {
  const url = new URL(location);
  return {
    url,
    origin: url.origin,
    rt: url.searchParams.get('rt'),
    state: url.searchParams.get('state'),
    error: url.searchParams.get('error'),
  };
}

/**
 * In `browser`: an authorization's login page, its first social button, the provider's login as `login`, and
 * back to Gatehouse. Resolves to Gatehouse's answer there: its redirect to `/oauth2/social` with the `rt`.
 */
export async function socialLoginOnLoginPage(
  browser: FormBrowser,
  idp: OidcIdp,
  authorizationUrl: string,
  login: string,
): Promise<FetchedPage> {
  const loginPage = await browser.get((await browser.get(authorizationUrl)).location!);
  const button = socialLinks(loginPage.html)[0];
  if (!button) throw new Error('the login page shows no social button');
  const toProvider = await browser.get(button.href);
  expect(toProvider.status).toBe(302);
  const back = await loginAtIdp(idp, toProvider.location!, login);
  const toGatehouse = await browser.get(back.href);
  expect(toGatehouse.location).toMatch(/\/oauth2\/social\?.*rt=/);
  return toGatehouse;
}
