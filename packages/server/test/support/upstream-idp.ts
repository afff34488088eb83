import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { vi } from 'vitest';

/** What the upstream provider says about a person (by the login typed on its development login page). */
export interface UpstreamPerson {
  email?: string;
  email_verified?: boolean;
  given_name?: string;
  family_name?: string;
}

export interface UpstreamClient {
  clientId: string;
  clientSecret: string;
}

export interface OidcIdp {
  issuer: string;
  /** Clients registered for Gatehouse: as `google` (secret in Basic), `linkedin` (secret in the body), and `corp`. */
  clients: Record<'google' | 'linkedin' | 'corp', UpstreamClient>;
  /** Sets what the provider asserts for a login name; anyone else is `<login>@example.test`, verified. */
  people: Map<string, UpstreamPerson>;
  close(): Promise<void>;
}

/**
 * oidc-provider (the certified OpenID provider for Node), started on 127.0.0.1 as the upstream identity
 * provider of Gatehouse's social login, with its development login and consent pages (devInteractions).
 * PKCE is required, as Google requires it of public clients and Gatehouse always sends it.
 */
export async function startOidcIdp(gatehouseUrl: string): Promise<OidcIdp> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const secret = () => randomBytes(24).toString('base64url');
  const clients = {
    google: { clientId: 'gatehouse-as-google', clientSecret: secret() },
    linkedin: { clientId: 'gatehouse-as-linkedin', clientSecret: secret() },
    corp: { clientId: 'gatehouse-as-corp', clientSecret: secret() },
  };
  const registration = (name: keyof typeof clients, auth: string) => ({
    client_id: clients[name].clientId,
    client_secret: clients[name].clientSecret,
    redirect_uris: [`${gatehouseUrl}/api/auth/${name}/callback`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: auth,
  });
  const people = new Map<string, UpstreamPerson>();
  // oidc-provider announces its development defaults on the console; the tests know.
  const quiet =
    (original: (...data: unknown[]) => void) =>
    (...data: unknown[]) => {
      if (!String(data[0]).startsWith('oidc-provider')) original(...data);
    };
  const warnings = vi.spyOn(console, 'warn').mockImplementation(quiet(console.warn.bind(console)));
  const notices = vi.spyOn(console, 'info').mockImplementation(quiet(console.info.bind(console)));
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [
      registration('google', 'client_secret_basic'),
      registration('linkedin', 'client_secret_post'),
      registration('corp', 'client_secret_basic'),
    ],
    jwks: { keys: [{ ...rsa, kid: 'rsa-1', use: 'sig' }] },
    cookies: { keys: [secret()] },
    scopes: ['openid', 'profile', 'email'],
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: ['name', 'given_name', 'family_name'],
    },
    findAccount: (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: () => {
        const person = people.get(sub) ?? {};
        return {
          sub,
          email: person.email ?? `${sub}@example.test`,
          email_verified: person.email_verified ?? true,
          given_name: person.given_name ?? 'Ada',
          family_name: person.family_name ?? 'Lovelace',
          name: `${person.given_name ?? 'Ada'} ${person.family_name ?? 'Lovelace'}`,
        };
      },
    }),
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, userinfo: { enabled: true } },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clients,
    people,
    async close() {
      warnings.mockRestore();
      notices.mockRestore();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A cookie jar for one site (the upstream provider), enough for its login and consent pages. */
class Jar {
  readonly #cookies = new Map<string, string>();
  header(): string {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split(/=(.*)/s);
      if (value === '' || /max-age=0/i.test(line)) this.#cookies.delete(name.trim());
      else this.#cookies.set(name.trim(), value);
    }
  }
}

/**
 * Signs in at oidc-provider's development pages as `login` (any password) and consents, like a browser:
 * follows redirects on the provider and stops at the first URL off it (Gatehouse's callback).
 */
export async function loginAtIdp(idp: OidcIdp, authorizationUrl: string, login: string): Promise<URL> {
  const jar = new Jar();
  let url = authorizationUrl;
  for (let step = 0; step < 12; step += 1) {
    if (new URL(url).origin !== idp.issuer) return new URL(url);
    const page = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(page);
    const location = page.headers.get('location');
    if (location) {
      url = new URL(location, url).href;
      continue;
    }
    const html = await page.text();
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    const action = /<form[^>]* action="([^"]+)"/.exec(html)?.[1];
    if (!prompt || !action) throw new Error(`Unexpected page at ${url}: ${page.status}`);
    const fields: Record<string, string> =
      prompt === 'login' ? { prompt, login, password: 'any password' } : { prompt };
    const answer = await fetch(new URL(action, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
      body: new URLSearchParams(fields).toString(),
    });
    jar.take(answer);
    const next = answer.headers.get('location');
    if (!next) throw new Error(`The ${prompt} form did not redirect (${answer.status})`);
    url = new URL(next, url).href;
  }
  throw new Error('The upstream login did not finish within 12 steps');
}
