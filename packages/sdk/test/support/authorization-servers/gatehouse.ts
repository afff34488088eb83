import { startTestServer, type TestServer } from '../gatehouse-server.js';
import type {
  AuthorizationServer,
  AuthorizationServerOptions,
  RegisteredClient,
} from './authorization-server.js';
import { followAuthorization, redirectTarget } from './form-browser.js';
import { processClock } from './process-clock.js';

const ACCESS_TOKEN_TTL_SECONDS = 60;
const RESOURCE = 'https://api.example.test/';
/** `openid` and `offline_access` for an ID token and a refresh token (OIDC Core §11); `profile:read` for GET /api/me. */
const SCOPE = 'openid profile email offline_access profile:read';

/** The part of Gatehouse's test server the fixture uses beyond the SDK's own declaration. */
interface OAuthTestServer extends TestServer {
  app: {
    gatehouse: {
      oauth: {
        clients: {
          create(
            input: Record<string, unknown>,
          ): Promise<{ client: { id: string }; secret: string | undefined }>;
        };
      };
    };
  };
}

/**
 * Gatehouse's own authorization server (issue 11) on SQLite, on the process clock: the same clients as
 * the oidc-provider fixture (confidential, public with PKCE), its login and consent pages driven over HTTP,
 * and `/api/me` as the protected resource, so a bearer from the code flow calls the Gatehouse API.
 */
export async function startGatehouse(options: AuthorizationServerOptions = {}): Promise<AuthorizationServer> {
  const clock = processClock();
  const server = (await startTestServer({
    now: () => Date.now(),
    publicUrlIsAddress: true,
    env: {
      GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '10000',
      ...(options.allowedOrigins && { GATEHOUSE_ALLOWED_ORIGINS: options.allowedOrigins.join(',') }),
    },
  })) as OAuthTestServer;
  const user = await server.createUser();
  const redirectUris = ['https://yourapp.example.com/callback', ...(options.redirectUris ?? [])];
  const register = async (input: Record<string, unknown>): Promise<RegisteredClient> => {
    const { client, secret } = await server.app.gatehouse.oauth.clients.create({
      name: 'SDK test app',
      redirectUris,
      scope: `${SCOPE} api:read`,
      resources: [RESOURCE],
      accessTokenTtl: ACCESS_TOKEN_TTL_SECONDS,
      trusted: false,
      ...input,
    });
    return {
      clientId: client.id,
      ...(secret ? { clientSecret: secret } : {}),
      redirectUri: redirectUris[0] as string,
    };
  };
  const confidential = await register({
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
  });
  const publicClient = await register({ grantTypes: ['authorization_code', 'refresh_token'], public: true });

  return {
    name: 'Gatehouse',
    issuer: server.url,
    appUrl: server.url,
    scope: SCOPE,
    clients: {
      confidential: { ...confidential, clientSecret: confidential.clientSecret ?? '' },
      public: publicClient,
    },
    resource: RESOURCE,
    resourceScope: 'api:read',
    subject: user.id,
    login: (authorizationUrl, loginOptions) =>
      loginOverHttp(server.url, authorizationUrl, user, loginOptions?.deny ? 'deny' : 'allow'),
    async loginInPage(page) {
      await page.locator('input[name="username"]').fill(user.email);
      await page.locator('input[name="password"]').fill(user.password);
      await page.locator('button[type="submit"]').click();
      await page.locator('button[name="decision"][value="allow"]').click();
    },
    whoAmI: async (sdk) => (await sdk.authentication.getLoggedInUser())._id,
    async registerClient(settings) {
      const registered = await register({
        grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'],
        ...settings,
      });
      return { ...registered, clientSecret: registered.clientSecret ?? '' };
    },
    expireAccessTokens() {
      clock.advance(ACCESS_TOKEN_TTL_SECONDS + 60);
    },
    async close() {
      clock.restore();
      await server.close();
    },
  };
}

/** Gatehouse's pages: `/oauth2/login` and `/oauth2/consent`, each a form with `interaction` and `csrf`. */
function loginOverHttp(
  origin: string,
  authorizationUrl: string,
  user: { email: string; password: string },
  decision: 'allow' | 'deny',
): Promise<string> {
  return followAuthorization(origin, authorizationUrl, async (page, url, browser) => {
    const { pathname } = new URL(url);
    const hidden = (name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(page.html)?.[1] ?? '';
    const form = { interaction: hidden('interaction'), csrf: hidden('csrf') };
    const fields =
      pathname === '/oauth2/login'
        ? { ...form, username: user.email, password: user.password }
        : pathname === '/oauth2/consent'
          ? { ...form, decision }
          : undefined;
    if (!fields) throw new Error(`Unexpected page at ${url}: ${page.status}`);
    return redirectTarget(await browser.post(`${origin}${pathname}`, fields, { origin }), pathname);
  });
}
