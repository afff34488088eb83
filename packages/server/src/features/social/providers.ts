import type { AppContext } from '../../context.js';
import { AppError, badRequest, notFound } from '../../lib/errors.js';
import { type BuiltinProvider, builtinProvider, GENERIC_OIDC } from './builtin-providers.js';
import { type ProviderRow, ProviderStore } from './provider-store.js';

/** Lower-case letters, digits and dashes: the name is a path segment of the login and callback URLs. */
export const PROVIDER_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** What an admin may change (API and CLI); `null` puts an override back to the provider's default. */
export interface ProviderChanges {
  displayName?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  issuer?: string | null | undefined;
  authorizationEndpoint?: string | null | undefined;
  tokenEndpoint?: string | null | undefined;
  userinfoEndpoint?: string | null | undefined;
  scopes?: string | null | undefined;
  returnOrigins?: string[] | undefined;
  autoRegister?: boolean | undefined;
  enabled?: boolean | undefined;
}

/** A provider as the admin API shows it: never the client secret, only whether one is set. */
export interface ProviderView {
  name: string;
  displayName: string;
  builtin: boolean;
  enabled: boolean;
  clientId: string;
  clientSecretSet: boolean;
  issuer: string | null;
  authorizationEndpoint: string | null;
  tokenEndpoint: string | null;
  userinfoEndpoint: string | null;
  scopes: string;
  returnOrigins: string[];
  autoRegister: boolean;
  /** What to register at the provider as the redirect (callback) URL. */
  callbackUrl: string;
  created: string;
  updated: string;
}

/** A provider ready for the login flow: defaults and overrides merged, the secret opened. */
export interface ResolvedProvider {
  name: string;
  displayName: string;
  definition: BuiltinProvider;
  clientId: string;
  clientSecret: string;
  issuer: string | undefined;
  authorizationEndpoint: string | undefined;
  tokenEndpoint: string | undefined;
  userinfoEndpoint: string | undefined;
  scopes: string;
  returnOrigins: string[];
  autoRegister: boolean;
  /** Changes whenever the admin edits the provider: cached discovery is keyed by it. */
  version: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether plain HTTP may be used to reach this URL: on loopback only (local providers, tests). */
export function isLoopback(url: URL): boolean {
  return LOOPBACK.has(url.hostname);
}

/** An endpoint must be HTTPS, except on loopback: the client secret and codes travel to it. */
function endpoint(field: string, raw: string | null | undefined): string | null | undefined {
  if (raw === null || raw === undefined) return raw;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest(`${field} is not an absolute URL`, { [field]: 'must be an absolute URL' });
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url)))
    throw badRequest(`${field} must be an https URL`, { [field]: 'must be https (http only on loopback)' });
  // Kept as typed: an issuer must match the ID token's `iss` character for character (OIDC Core §3.1.3.7).
  return raw;
}

/** An origin exactly as the browser sends it: scheme, host and port, nothing else. */
export function returnOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badRequest(`"${raw}" is not an origin`, {
      returnOrigins: 'must be origins like https://app.example.com',
    });
  }
  const bare = raw.replace(/\/$/, '');
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.origin !== bare)
    throw badRequest(`"${raw}" is not an origin`, {
      returnOrigins: 'must be origins like https://app.example.com (scheme, host and port only)',
    });
  return url.origin;
}

const parseOrigins = (json: string): string[] => JSON.parse(json) as string[];

/**
 * Social providers as the admin configures them. Nothing here is cached: a provider disabled on one
 * instance must be refused by every instance at once, also for a login already under way, and these reads
 * happen once per login, not per request.
 */
export class SocialProviders {
  readonly #store: ProviderStore;

  constructor(private readonly ctx: AppContext) {
    this.#store = new ProviderStore(ctx.storage.db);
  }

  callbackUrl(name: string): string {
    return new URL(`/api/auth/${name}/callback`, this.ctx.config.publicUrl).href;
  }

  async list(): Promise<ProviderView[]> {
    return (await this.#store.list()).map((row) => this.#view(row));
  }

  async get(name: string): Promise<ProviderView> {
    const row = await this.#store.find(name);
    if (!row) throw notFound(`No provider named ${name}`);
    return this.#view(row);
  }

  /** The enabled providers, for sign-in pages. */
  async enabled(): Promise<ProviderView[]> {
    return (await this.list()).filter((p) => p.enabled);
  }

  /** Creates the provider or merges the changes into it. Enabling needs a client id and secret. */
  async set(name: string, changes: ProviderChanges): Promise<ProviderView> {
    if (!PROVIDER_NAME.test(name))
      throw badRequest('A provider name is lower-case letters, digits and dashes', { name: 'invalid' });
    const builtin = builtinProvider(name);
    const existing = await this.#store.find(name);
    const now = this.ctx.now();
    const row: ProviderRow = existing ?? {
      name,
      display_name: builtin?.displayName ?? name,
      enabled: 0,
      client_id: '',
      client_secret_sealed: null,
      issuer: null,
      authorization_endpoint: null,
      token_endpoint: null,
      userinfo_endpoint: null,
      scopes: null,
      return_origins: '[]',
      auto_register: 1,
      created_at: now,
      updated_at: now,
    };
    const next: ProviderRow = { ...row, updated_at: Math.max(now, row.updated_at + 1) };
    if (changes.displayName !== undefined) next.display_name = changes.displayName;
    if (changes.clientId !== undefined) next.client_id = changes.clientId;
    if (changes.clientSecret !== undefined)
      next.client_secret_sealed = this.ctx.secrets.seal(changes.clientSecret);
    const issuer = endpoint('issuer', changes.issuer);
    if (issuer !== undefined) next.issuer = issuer;
    const authorization = endpoint('authorizationEndpoint', changes.authorizationEndpoint);
    if (authorization !== undefined) next.authorization_endpoint = authorization;
    const token = endpoint('tokenEndpoint', changes.tokenEndpoint);
    if (token !== undefined) next.token_endpoint = token;
    const userinfo = endpoint('userinfoEndpoint', changes.userinfoEndpoint);
    if (userinfo !== undefined) next.userinfo_endpoint = userinfo;
    if (changes.scopes !== undefined) next.scopes = changes.scopes?.trim() || null;
    if (changes.returnOrigins !== undefined)
      next.return_origins = JSON.stringify([...new Set(changes.returnOrigins.map(returnOrigin))]);
    if (changes.autoRegister !== undefined) next.auto_register = changes.autoRegister ? 1 : 0;
    if (changes.enabled !== undefined) next.enabled = changes.enabled ? 1 : 0;

    if (next.client_id === '') throw badRequest('A client id is required', { clientId: 'is required' });
    // A generic provider is known only through its issuer's discovery document.
    if (!builtin && next.issuer === null)
      throw badRequest(`${name} is not a built-in provider: give its OpenID Connect issuer URL`, {
        issuer: 'is required for a generic OpenID Connect provider',
      });
    if (next.enabled === 1 && next.client_secret_sealed === null)
      throw new AppError(409, 'PROVIDER_INCOMPLETE', 'Set the client secret before enabling the provider');
    await this.#store.save(next);
    return this.#view(next);
  }

  async delete(name: string): Promise<void> {
    if (!(await this.#store.delete(name))) throw notFound(`No provider named ${name}`);
  }

  /** The provider for a login, or undefined when it is unknown or disabled (the flow then fails closed). */
  async resolveEnabled(name: string): Promise<ResolvedProvider | undefined> {
    if (!PROVIDER_NAME.test(name)) return undefined;
    const row = await this.#store.find(name);
    if (row?.enabled !== 1 || row.client_secret_sealed === null) return undefined;
    const definition = builtinProvider(name) ?? GENERIC_OIDC;
    return {
      name,
      displayName: row.display_name,
      definition,
      clientId: row.client_id,
      clientSecret: this.ctx.secrets.open(row.client_secret_sealed),
      issuer: row.issuer ?? definition.issuer,
      authorizationEndpoint: row.authorization_endpoint ?? definition.authorizationEndpoint,
      tokenEndpoint: row.token_endpoint ?? definition.tokenEndpoint,
      userinfoEndpoint: row.userinfo_endpoint ?? definition.userinfoEndpoint,
      scopes: row.scopes ?? definition.scopes,
      returnOrigins: parseOrigins(row.return_origins),
      autoRegister: row.auto_register === 1,
      version: row.updated_at,
    };
  }

  #view(row: ProviderRow): ProviderView {
    const definition = builtinProvider(row.name);
    return {
      name: row.name,
      displayName: row.display_name,
      builtin: definition !== undefined,
      enabled: row.enabled === 1,
      clientId: row.client_id,
      clientSecretSet: row.client_secret_sealed !== null,
      issuer: row.issuer,
      authorizationEndpoint: row.authorization_endpoint,
      tokenEndpoint: row.token_endpoint,
      userinfoEndpoint: row.userinfo_endpoint,
      scopes: row.scopes ?? (definition ?? GENERIC_OIDC).scopes,
      returnOrigins: parseOrigins(row.return_origins),
      autoRegister: row.auto_register === 1,
      callbackUrl: this.callbackUrl(row.name),
      created: new Date(row.created_at).toISOString(),
      updated: new Date(row.updated_at).toISOString(),
    };
  }
}
