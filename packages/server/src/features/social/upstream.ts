import { createHmac } from 'node:crypto';
import type * as oidc from 'openid-client';
import { isLoopback, type ResolvedProvider } from './providers.js';

/** Who the provider says signed in, mapped to what an account needs. */
export interface UpstreamProfile {
  /** The provider's stable id for the person. */
  subject: string;
  email: string | null;
  /** True only when the provider asserts it verified the address (the only e-mail that may link accounts). */
  emailVerified: boolean;
  firstName: string;
  lastName: string;
}

/** What the login stored when it started, checked by the library on the way back. */
export interface LoginChecks {
  redirectUri: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Why an upstream step failed: `access_denied` when the person said no, `provider_error` for anything else. */
export class UpstreamFailure extends Error {
  constructor(
    readonly reason: 'access_denied' | 'provider_error',
    detail: string,
  ) {
    super(detail);
    this.name = 'UpstreamFailure';
  }
}

let loading: Promise<typeof oidc> | undefined;

/** openid-client, loaded at the first social login rather than at start-up (memory of servers without one). */
export function openidClient(): Promise<typeof oidc> {
  loading ??= import('openid-client');
  return loading;
}

/** Discovery documents are kept this long, keyed by the provider's configuration version. */
const DISCOVERY_TTL_MS = 60 * 60 * 1000;

/**
 * The upstream (relying-party) side of social login, through openid-client: state, PKCE S256, nonce and ID
 * token validation (signature against the provider's JWKS, `iss`, `aud`, `exp`, `nonce`) are the library's,
 * not ours. GitHub and Facebook are OAuth 2.0 only, so their profile comes from their APIs.
 */
export class UpstreamClients {
  readonly #discovered = new Map<string, { at: number; metadata: oidc.ServerMetadata }>();

  /** `now` is the app's clock (ctx.now), so tests that move time also age the discovery cache. */
  constructor(private readonly now: () => number) {}

  async configuration(provider: ResolvedProvider): Promise<oidc.Configuration> {
    const overrides = {
      ...(provider.authorizationEndpoint && { authorization_endpoint: provider.authorizationEndpoint }),
      ...(provider.tokenEndpoint && { token_endpoint: provider.tokenEndpoint }),
      ...(provider.userinfoEndpoint && { userinfo_endpoint: provider.userinfoEndpoint }),
    };
    const client = await openidClient();
    const discovered = provider.definition.shape === 'oidc' ? await this.#discover(provider) : undefined;
    const metadata: oidc.ServerMetadata = {
      // GitHub and Facebook issue no ID token; the issuer is only a label for them.
      issuer: provider.issuer ?? `urn:gatehouse:provider:${provider.name}`,
      ...discovered,
      ...overrides,
    };
    const config = new client.Configuration(
      metadata,
      provider.clientId,
      { client_secret: provider.clientSecret },
      this.#clientAuth(client, provider, metadata),
    );
    if (this.#plainHttp(provider, metadata)) client.allowInsecureRequests(config);
    return config;
  }

  /** The provider's authorization URL for this login (PKCE S256 and, for OpenID Connect, a nonce). */
  async authorizationUrl(provider: ResolvedProvider, checks: LoginChecks): Promise<URL> {
    const client = await openidClient();
    const config = await this.configuration(provider);
    return client.buildAuthorizationUrl(config, {
      redirect_uri: checks.redirectUri,
      scope: provider.scopes,
      state: checks.state,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
      ...(provider.definition.shape === 'oidc' && { nonce: checks.nonce }),
    });
  }

  /**
   * Exchanges the code and returns the person's profile. `callbackUrl` is our registered callback URL with
   * the query the provider sent: the library takes `redirect_uri` from it (without the query).
   */
  async complete(
    provider: ResolvedProvider,
    callbackUrl: URL,
    checks: LoginChecks,
  ): Promise<UpstreamProfile> {
    const client = await openidClient();
    try {
      const config = await this.configuration(provider);
      const openIdConnect = provider.definition.shape === 'oidc';
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        ...(openIdConnect && { expectedNonce: checks.nonce, idTokenExpected: true }),
      });
      if (provider.definition.shape === 'github') return await githubProfile(config, tokens.access_token);
      if (provider.definition.shape === 'facebook')
        return await facebookProfile(config, provider, tokens.access_token);
      return await oidcProfile(config, tokens);
    } catch (error) {
      if (error instanceof UpstreamFailure) throw error;
      if (error instanceof client.AuthorizationResponseError && error.error === 'access_denied')
        throw new UpstreamFailure('access_denied', 'the person declined at the provider');
      const code = (error as { code?: string }).code;
      // The library's messages name what failed (a claim, a status), never a token or the secret.
      throw new UpstreamFailure(
        'provider_error',
        `${code ?? 'error'}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  async #discover(provider: ResolvedProvider): Promise<oidc.ServerMetadata> {
    if (!provider.issuer) throw new UpstreamFailure('provider_error', 'no issuer to discover');
    const key = `${provider.name} ${provider.version} ${provider.issuer}`;
    const cached = this.#discovered.get(key);
    if (cached && this.now() - cached.at < DISCOVERY_TTL_MS) return cached.metadata;
    const issuer = new URL(provider.issuer);
    const client = await openidClient();
    const config = await client.discovery(issuer, provider.clientId, provider.clientSecret, undefined, {
      ...(issuer.protocol === 'http:' && isLoopback(issuer) && { execute: [client.allowInsecureRequests] }),
      timeout: 10,
    });
    const metadata = config.serverMetadata();
    for (const old of this.#discovered.keys())
      if (old.startsWith(`${provider.name} `)) this.#discovered.delete(old);
    this.#discovered.set(key, { at: this.now(), metadata });
    return metadata;
  }

  /** Basic unless the provider only takes the secret in the body (its definition or its metadata says so). */
  #clientAuth(
    client: typeof oidc,
    provider: ResolvedProvider,
    metadata: oidc.ServerMetadata,
  ): oidc.ClientAuth {
    const supported = metadata.token_endpoint_auth_methods_supported;
    const post =
      provider.definition.clientAuth === 'client_secret_post' ||
      (supported !== undefined &&
        !supported.includes('client_secret_basic') &&
        supported.includes('client_secret_post'));
    return post
      ? client.ClientSecretPost(provider.clientSecret)
      : client.ClientSecretBasic(provider.clientSecret);
  }

  /** Plain HTTP is allowed to loopback endpoints only (local providers and tests); the rest must be HTTPS. */
  #plainHttp(provider: ResolvedProvider, metadata: oidc.ServerMetadata): boolean {
    const urls = [
      provider.issuer,
      metadata.authorization_endpoint,
      metadata.token_endpoint,
      metadata.userinfo_endpoint,
      metadata.jwks_uri,
    ].filter((u): u is string => typeof u === 'string' && u.startsWith('http:'));
    return urls.length > 0 && urls.every((u) => isLoopback(new URL(u)));
  }
}

function splitName(name: unknown): { firstName: string; lastName: string } {
  const full = typeof name === 'string' ? name.trim() : '';
  const space = full.indexOf(' ');
  return space < 0
    ? { firstName: full, lastName: '' }
    : { firstName: full.slice(0, space), lastName: full.slice(space + 1).trim() };
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

async function json(response: Response, what: string): Promise<unknown> {
  if (!response.ok) throw new UpstreamFailure('provider_error', `${what} answered ${response.status}`);
  return response.json();
}

/** OpenID Connect (Google, LinkedIn, generic): the validated ID token, completed by the userinfo endpoint. */
async function oidcProfile(
  config: oidc.Configuration,
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers,
): Promise<UpstreamProfile> {
  const client = await openidClient();
  const claims = tokens.claims();
  if (!claims) throw new UpstreamFailure('provider_error', 'no ID token');
  let info: Record<string, unknown> = { ...claims };
  if (config.serverMetadata().userinfo_endpoint) {
    // The `sub` of userinfo must be the ID token's (OIDC Core §5.3.2): the library checks it.
    info = { ...info, ...(await client.fetchUserInfo(config, tokens.access_token, claims.sub)) };
  }
  const email = str(info['email']) || null;
  return {
    subject: claims.sub,
    email,
    // Only a real boolean true counts: an absent or odd claim is "not verified".
    emailVerified: email !== null && info['email_verified'] === true,
    firstName: str(info['given_name']) || splitName(info['name']).firstName,
    lastName: str(info['family_name']) || (str(info['given_name']) ? '' : splitName(info['name']).lastName),
  };
}

const GITHUB_HEADERS = () =>
  new Headers({ accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' });

/** GitHub: GET /user for the id and name; GET /user/emails for the primary address and whether it is verified. */
async function githubProfile(config: oidc.Configuration, accessToken: string): Promise<UpstreamProfile> {
  const client = await openidClient();
  const userUrl = new URL(config.serverMetadata().userinfo_endpoint ?? 'https://api.github.com/user');
  const user = (await json(
    await client.fetchProtectedResource(config, accessToken, userUrl, 'GET', undefined, GITHUB_HEADERS()),
    'GitHub /user',
  )) as Record<string, unknown>;
  const emailsUrl = new URL(`${userUrl.pathname.replace(/\/$/, '')}/emails`, userUrl);
  const emails = (await json(
    await client.fetchProtectedResource(config, accessToken, emailsUrl, 'GET', undefined, GITHUB_HEADERS()),
    'GitHub /user/emails',
  )) as unknown;
  const list = Array.isArray(emails) ? (emails as Record<string, unknown>[]) : [];
  const primary = list.find((e) => e['primary'] === true && e['verified'] === true);
  if (typeof user['id'] !== 'number' && typeof user['id'] !== 'string')
    throw new UpstreamFailure('provider_error', 'GitHub /user has no id');
  return {
    subject: String(user['id']),
    email: primary ? str(primary['email']) || null : null,
    emailVerified: primary !== undefined && str(primary['email']) !== '',
    ...splitName(user['name'] ?? user['login']),
  };
}

/**
 * Facebook: Graph `me?fields=id,name,email,first_name,last_name`. Facebook returns `email` only for an
 * address it has confirmed, so a returned one counts as verified. `appsecret_proof` (HMAC of the token with
 * the app secret) is sent as Facebook recommends for server-side calls.
 */
async function facebookProfile(
  config: oidc.Configuration,
  provider: ResolvedProvider,
  accessToken: string,
): Promise<UpstreamProfile> {
  const client = await openidClient();
  const url = new URL(config.serverMetadata().userinfo_endpoint ?? 'https://graph.facebook.com/v19.0/me');
  url.searchParams.set('fields', 'id,name,email,first_name,last_name');
  url.searchParams.set(
    'appsecret_proof',
    createHmac('sha256', provider.clientSecret).update(accessToken).digest('hex'),
  );
  const me = (await json(
    await client.fetchProtectedResource(config, accessToken, url, 'GET'),
    'Facebook /me',
  )) as Record<string, unknown>;
  if (!str(me['id'])) throw new UpstreamFailure('provider_error', 'Facebook /me has no id');
  const email = str(me['email']) || null;
  return {
    subject: str(me['id']),
    email,
    emailVerified: email !== null,
    firstName: str(me['first_name']) || splitName(me['name']).firstName,
    lastName: str(me['last_name']) || splitName(me['name']).lastName,
  };
}
