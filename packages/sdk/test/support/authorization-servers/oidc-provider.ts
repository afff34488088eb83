import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientView, errors } from 'oidc-provider';
import { vi } from 'vitest';
import type {
  AuthorizationServer,
  AuthorizationServerOptions,
  RegisteredClient,
} from './authorization-server.js';
import { followAuthorization, redirectTarget } from './form-browser.js';
import { processClock } from './process-clock.js';

const ACCESS_TOKEN_TTL_SECONDS = 60;
/** oidc-provider's default `clockTolerance`: its resource endpoints accept a token this long past `exp`. */
const PROVIDER_CLOCK_TOLERANCE_SECONDS = 15;
const RESOURCE = 'https://api.example.test/';
const SUBJECT = 'ada';

export interface OidcProviderServer extends AuthorizationServer {
  /** One code-flow client per ID-token signing algorithm: RS256, ES256 and EdDSA. */
  clientsByAlg: Record<'RS256' | 'ES256' | 'EdDSA', RegisteredClient>;
  /** Moves the process clock (the provider's and the SDK's) forward. */
  advanceClock(seconds: number): void;
}

/**
 * oidc-provider (the certified OpenID provider for Node) in this process on 127.0.0.1, configured as a
 * standards-compliant peer for the SDK's OAuth client: a confidential and a public client, PKCE required,
 * refresh tokens rotated on every use, revocation, introspection, userinfo, client credentials, RFC 8707
 * resource indicators with JWT access tokens, and its development login and consent pages. Its CORS
 * follows each public client's redirect URIs, so `allowedOrigins` is not needed.
 *
 * The provider reads `Date.now()`; `expireAccessTokens` moves it for the whole process (processClock).
 */
export async function startOidcProvider(
  options: AuthorizationServerOptions = {},
): Promise<OidcProviderServer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const redirectUris = ['https://yourapp.example.com/callback', ...(options.redirectUris ?? [])];
  const codeFlow = {
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: redirectUris,
    scope: 'openid profile email offline_access api:read',
  };
  const confidential = { clientId: 'confidential-app', clientSecret: randomBytes(24).toString('base64url') };
  const clientsByAlg = {
    RS256: { clientId: 'confidential-app' },
    ES256: { clientId: 'es256-app' },
    EdDSA: { clientId: 'eddsa-app' },
  };
  const clock = processClock();
  // oidc-provider announces its development defaults on the console; the tests know.
  const quiet =
    (original: (...data: unknown[]) => void) =>
    (...data: unknown[]) => {
      if (!String(data[0]).startsWith('oidc-provider')) original(...data);
    };
  const warnings = vi.spyOn(console, 'warn').mockImplementation(quiet(console.warn.bind(console)));
  const notices = vi.spyOn(console, 'info').mockImplementation(quiet(console.info.bind(console)));

  const provider = new Provider(issuer, {
    clients: [
      {
        ...codeFlow,
        client_id: confidential.clientId,
        client_secret: confidential.clientSecret,
        grant_types: [...codeFlow.grant_types, 'client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      { ...codeFlow, client_id: 'public-app', token_endpoint_auth_method: 'none' },
      {
        ...codeFlow,
        client_id: 'es256-app',
        token_endpoint_auth_method: 'none',
        id_token_signed_response_alg: 'ES256',
      },
      {
        ...codeFlow,
        client_id: 'eddsa-app',
        token_endpoint_auth_method: 'none',
        id_token_signed_response_alg: 'EdDSA',
      },
    ],
    jwks: { keys: signingKeys() },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'api:read'],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => ({ sub, name: 'Ada Lovelace', email: `${sub}@example.test`, email_verified: true }),
    }),
    pkce: { required: () => true },
    // Rotation on every use, and a refresh token for every client allowed the grant (no offline_access dance).
    rotateRefreshToken: true,
    issueRefreshToken: (_ctx: unknown, client: ClientView) => client.grantTypeAllowed('refresh_token'),
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      ClientCredentials: ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      IdToken: 3600,
      RefreshToken: 24 * 3600,
      Interaction: 600,
      Session: 3600,
      Grant: 24 * 3600,
    },
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: (_ctx: unknown, _client: unknown, oneOf?: string) => oneOf,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, indicator: string) => {
          if (indicator !== RESOURCE) throw new errors.InvalidTarget();
          return { scope: 'api:read', audience: RESOURCE, accessTokenFormat: 'jwt', accessTokenTTL: 60 };
        },
      },
    },
  });
  server.on('request', provider.callback());

  return {
    name: 'oidc-provider',
    issuer,
    appUrl: issuer,
    clients: {
      confidential: { ...confidential, redirectUri: redirectUris[0] as string },
      public: { clientId: 'public-app', redirectUri: redirectUris[0] as string },
    },
    clientsByAlg: {
      RS256: {
        ...clientsByAlg.RS256,
        clientSecret: confidential.clientSecret,
        redirectUri: redirectUris[0] as string,
      },
      ES256: { ...clientsByAlg.ES256, redirectUri: redirectUris[0] as string },
      EdDSA: { ...clientsByAlg.EdDSA, redirectUri: redirectUris[0] as string },
    },
    resource: RESOURCE,
    resourceScope: 'api:read',
    subject: SUBJECT,
    login: (authorizationUrl, loginOptions) =>
      loginOverHttp(issuer, authorizationUrl, loginOptions?.deny ?? false),
    async loginInPage(page) {
      await page.locator('input[name="login"]').fill(SUBJECT);
      await page.locator('input[name="password"]').fill('any password');
      await page.locator('button[type="submit"]').click();
      await page.locator('input[name="prompt"][value="consent"]').waitFor({ state: 'attached' });
      await page.locator('button[type="submit"]').click();
    },
    whoAmI: async (sdk) => (await sdk.oauth2.userinfo()).sub,
    expireAccessTokens() {
      clock.advance(ACCESS_TOKEN_TTL_SECONDS + PROVIDER_CLOCK_TOLERANCE_SECONDS + 5);
    },
    advanceClock: (seconds) => clock.advance(seconds),
    async close() {
      clock.restore();
      warnings.mockRestore();
      notices.mockRestore();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** One RSA, one P-256 and one Ed25519 signing key: oidc-provider picks by each client's ID-token algorithm. */
function signingKeys(): object[] {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const ed = generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' });
  return [
    { ...rsa, kid: 'rsa-1', use: 'sig' },
    { ...ec, kid: 'ec-1', use: 'sig' },
    { ...ed, kid: 'ed-1', use: 'sig' },
  ];
}

/**
 * Walks oidc-provider's development interactions: every page is either a redirect, the login form or
 * the consent form (`<input name="prompt" value="login|consent">`).
 */
function loginOverHttp(issuer: string, authorizationUrl: string, deny: boolean): Promise<string> {
  return followAuthorization(issuer, authorizationUrl, async (page, url, browser) => {
    const prompt = /name="prompt" value="(\w+)"/.exec(page.html)?.[1];
    const action = /<form[^>]* action="([^"]+)"/.exec(page.html)?.[1];
    if (!prompt || !action) throw new Error(`Unexpected page at ${url}: ${page.status}`);
    const submitUrl = new URL(action, url).href;
    if (deny) return `${submitUrl}/abort`;
    const fields: Record<string, string> =
      prompt === 'login' ? { prompt, login: SUBJECT, password: 'any password' } : { prompt };
    return redirectTarget(await browser.post(submitUrl, fields), `The ${prompt} form`);
  });
}
