import type { AppContext } from '../../../context.js';
import { constantTimeEqual, newId, randomSecret, sha256 } from '../../../lib/crypto.js';
import { badRequest, notFound } from '../../../lib/errors.js';
import { TtlCache } from '../../../lib/ttl-cache.js';
import { formatScope, parseScope, SCOPE_TOKEN } from '../scopes.js';
import { redirectUriProblem } from './redirect-uri.js';
import { type ClientRow, ClientStore } from './store.js';

export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];

/**
 * What a client's ID tokens may be signed with: RS256 by default (every relying party supports it, OIDC
 * Core §15.1), or one of the other algorithms the signing keys have (features/signing-keys), on request.
 */
export const ID_TOKEN_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
export type IdTokenAlgorithm = (typeof ID_TOKEN_ALGORITHMS)[number];
const isIdTokenAlgorithm = (alg: unknown): alg is IdTokenAlgorithm =>
  ID_TOKEN_ALGORITHMS.includes(alg as IdTokenAlgorithm);

/** A registered client, parsed. */
export interface OAuthClient {
  id: string;
  name: string;
  public: boolean;
  applicationType: 'web' | 'native';
  redirectUris: string[];
  grantTypes: GrantType[];
  scopes: string[];
  resources: string[];
  trusted: boolean;
  accessTokenTtl: number | null;
  refreshTokenTtl: number | null;
  /** `id_token_signed_response_alg` (OpenID Connect Dynamic Client Registration §2). */
  idTokenAlg: IdTokenAlgorithm;
  createdAt: number;
  updatedAt: number;
  /** SHA-256 of the secret (never leaves this module's callers' process: views omit it). */
  secretHash: string | null;
}

/** What an admin sets when registering or updating a client (API and CLI). */
export interface ClientInput {
  name?: string;
  redirectUris?: string[];
  grantTypes?: string[];
  scope?: string;
  resources?: string[];
  public?: boolean;
  applicationType?: 'web' | 'native';
  trusted?: boolean;
  accessTokenTtl?: number | null;
  refreshTokenTtl?: number | null;
  /** RS256 (default), ES256 or EdDSA. */
  idTokenSignedResponseAlg?: string;
}

/** The admin view of a client: everything but the secret's hash. */
export interface ClientView {
  client_id: string;
  name: string;
  public: boolean;
  application_type: string;
  redirect_uris: string[];
  grant_types: string[];
  scope: string;
  resources: string[];
  trusted: boolean;
  access_token_ttl: number | null;
  refresh_token_ttl: number | null;
  id_token_signed_response_alg: string;
  created_at: string;
  updated_at: string;
}

const DEFAULT_GRANTS: GrantType[] = ['authorization_code', 'refresh_token'];
const DEFAULT_SCOPE = 'openid profile email offline_access';
const MAX_TTL_SECONDS = 365 * 24 * 3600;
export const clientTag = (id: string) => `oauth-client:${id}`;

function fromRow(row: ClientRow): OAuthClient {
  return {
    id: row.id,
    name: row.name,
    public: row.is_public === 1,
    applicationType: row.application_type === 'native' ? 'native' : 'web',
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    grantTypes: JSON.parse(row.grant_types) as GrantType[],
    scopes: parseScope(row.scope),
    resources: JSON.parse(row.resources) as string[],
    trusted: row.trusted === 1,
    accessTokenTtl: row.access_token_ttl === null ? null : Number(row.access_token_ttl),
    refreshTokenTtl: row.refresh_token_ttl === null ? null : Number(row.refresh_token_ttl),
    idTokenAlg: isIdTokenAlgorithm(row.id_token_alg) ? row.id_token_alg : 'RS256',
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    secretHash: row.secret_hash,
  };
}

export function clientView(client: OAuthClient): ClientView {
  return {
    client_id: client.id,
    name: client.name,
    public: client.public,
    application_type: client.applicationType,
    redirect_uris: client.redirectUris,
    grant_types: client.grantTypes,
    scope: formatScope(client.scopes),
    resources: client.resources,
    trusted: client.trusted,
    access_token_ttl: client.accessTokenTtl,
    refresh_token_ttl: client.refreshTokenTtl,
    id_token_signed_response_alg: client.idTokenAlg,
    created_at: new Date(client.createdAt).toISOString(),
    updated_at: new Date(client.updatedAt).toISOString(),
  };
}

/** The secret format: 256 bits from the CSPRNG (SECURITY.md), with a prefix secret scanners can match. */
const newClientSecret = () => `ghcs_${randomSecret()}`;

function idTokenAlg(value: string | undefined): IdTokenAlgorithm | undefined {
  if (value === undefined || isIdTokenAlgorithm(value)) return value;
  throw badRequest(`idTokenSignedResponseAlg must be one of ${ID_TOKEN_ALGORITHMS.join(', ')}`, {
    idTokenSignedResponseAlg: 'is not supported',
  });
}

function ttl(value: number | null | undefined, field: string): number | null | undefined {
  if (value === undefined || value === null) return value;
  if (!Number.isInteger(value) || value < 1 || value > MAX_TTL_SECONDS)
    throw badRequest(`${field} must be a whole number of seconds`, { [field]: 'is invalid' });
  return value;
}

/** Checks a whole client definition; throws 400 with the first problem. */
function validate(client: Omit<OAuthClient, 'id' | 'createdAt' | 'updatedAt' | 'secretHash'>): void {
  if (!client.name.trim() || client.name.length > 200)
    throw badRequest('A client needs a name of at most 200 characters', { name: 'is invalid' });
  const unknownGrant = client.grantTypes.find((grant) => !GRANT_TYPES.includes(grant));
  if (unknownGrant)
    throw badRequest(`Unknown grant type "${unknownGrant}"; known: ${GRANT_TYPES.join(', ')}`, {
      grantTypes: 'is invalid',
    });
  if (client.grantTypes.length === 0)
    throw badRequest('A client needs a grant type', { grantTypes: 'is empty' });
  if (client.public && client.grantTypes.includes('client_credentials'))
    throw badRequest('A public client cannot use client_credentials: it has no secret', {
      grantTypes: 'client_credentials needs a confidential client',
    });
  if (client.grantTypes.includes('authorization_code') && client.redirectUris.length === 0)
    throw badRequest('The authorization code grant needs a redirect URI', { redirectUris: 'is empty' });
  for (const uri of client.redirectUris) {
    const problem = redirectUriProblem(uri, client.applicationType === 'native');
    if (problem) throw badRequest(`Redirect URI ${problem}`, { redirectUris: problem });
  }
  const badScope = client.scopes.find((scope) => !SCOPE_TOKEN.test(scope));
  if (badScope !== undefined)
    throw badRequest('A scope contains a character RFC 6749 forbids', { scope: 'is invalid' });
  for (const resource of client.resources) {
    let url: URL | undefined;
    try {
      url = new URL(resource);
    } catch {
      url = undefined;
    }
    // RFC 8707 §2: an absolute URI without a fragment; no whitespace (RFC 3986 §2: a URI holds none, and
    // a grant's resources are stored space-separated, resources.ts).
    if (!url || resource.includes('#') || /\s/.test(resource))
      throw badRequest(`Resource "${resource}" must be an absolute URI without a fragment`, {
        resources: 'is invalid',
      });
  }
}

/**
 * Registered OAuth clients. Secrets are 256-bit random values shown once; only their SHA-256 is stored
 * (a fast hash is right for a high-entropy secret, SECURITY.md) and compared in constant time. Clients are
 * cached per instance for the token endpoint's sake and dropped on every instance when one changes.
 */
export class OAuthClients {
  readonly #store: ClientStore;
  readonly #cache: TtlCache<OAuthClient | null>;

  constructor(private readonly ctx: AppContext) {
    this.#store = new ClientStore(ctx.storage.db);
    this.#cache = new TtlCache<OAuthClient | null>(30_000, 5_000, ctx.now).follow(ctx.bus);
  }

  /** Registers a client; `secret` (confidential clients only) is returned here and never again. */
  async create(input: ClientInput): Promise<{ client: OAuthClient; secret: string | undefined }> {
    const now = this.ctx.now();
    const isPublic = input.public === true;
    const definition = {
      name: (input.name ?? '').trim(),
      public: isPublic,
      applicationType: input.applicationType ?? 'web',
      redirectUris: [...new Set(input.redirectUris ?? [])],
      grantTypes: [...new Set(input.grantTypes ?? DEFAULT_GRANTS)] as GrantType[],
      scopes: parseScope(input.scope ?? DEFAULT_SCOPE),
      resources: [...new Set(input.resources ?? [])],
      trusted: input.trusted === true,
      accessTokenTtl: ttl(input.accessTokenTtl, 'accessTokenTtl') ?? null,
      refreshTokenTtl: ttl(input.refreshTokenTtl, 'refreshTokenTtl') ?? null,
      idTokenAlg: idTokenAlg(input.idTokenSignedResponseAlg) ?? 'RS256',
    };
    validate(definition);
    const secret = isPublic ? undefined : newClientSecret();
    const row: ClientRow = {
      id: newId(),
      name: definition.name,
      secret_hash: secret === undefined ? null : sha256(secret),
      is_public: isPublic ? 1 : 0,
      application_type: definition.applicationType,
      redirect_uris: JSON.stringify(definition.redirectUris),
      grant_types: JSON.stringify(definition.grantTypes),
      scope: formatScope(definition.scopes),
      resources: JSON.stringify(definition.resources),
      trusted: definition.trusted ? 1 : 0,
      access_token_ttl: definition.accessTokenTtl,
      refresh_token_ttl: definition.refreshTokenTtl,
      created_at: now,
      updated_at: now,
      secret_rotated_at: null,
      id_token_alg: definition.idTokenAlg,
    };
    await this.#store.insert(row);
    return { client: fromRow(row), secret };
  }

  async list(): Promise<OAuthClient[]> {
    return (await this.#store.list()).map(fromRow);
  }

  /**
   * A client by id, from the per-instance cache when fresh. A change made on any instance reaches every
   * cache over the invalidation bus. On SQLite the command line changes clients from another process, which
   * no bus reaches: a commit from another connection arrives on the bus as `*` at the start of the server's
   * next request (storage/external-changes.ts), so `gatehouse clients rotate-secret` or `delete` takes
   * effect on that request.
   */
  async find(id: string): Promise<OAuthClient | undefined> {
    const key = clientTag(id);
    const client = await this.#cache.read(
      key,
      async () => {
        const row = await this.#store.find(id);
        return row ? fromRow(row) : null;
      },
      () => [key],
    );
    return client ?? undefined;
  }

  /**
   * Whether a client is registered now: from the cache (as `find`), or (`fresh`) from the database, for
   * introspection while the invalidation listener reconnects (a deletion elsewhere would not reach the cache).
   */
  async exists(id: string, fresh = false): Promise<boolean> {
    if (fresh) return (await this.#store.find(id)) !== undefined;
    return (await this.find(id)) !== undefined;
  }

  /** A client by id from the database (admin reads and changes: never a cached copy); 404 if none. */
  async get(id: string): Promise<OAuthClient> {
    const row = await this.#store.find(id);
    if (!row) throw notFound('No such client');
    return fromRow(row);
  }

  /** Changes a client's settings; a client cannot switch between public and confidential. */
  async update(id: string, input: ClientInput): Promise<OAuthClient> {
    const current = await this.get(id);
    if (input.public !== undefined && input.public !== current.public)
      throw badRequest('A client cannot change between public and confidential; register a new one', {
        public: 'cannot change',
      });
    const next = {
      name: input.name?.trim() ?? current.name,
      public: current.public,
      applicationType: input.applicationType ?? current.applicationType,
      redirectUris: input.redirectUris ? [...new Set(input.redirectUris)] : current.redirectUris,
      grantTypes: (input.grantTypes ? [...new Set(input.grantTypes)] : current.grantTypes) as GrantType[],
      scopes: input.scope !== undefined ? parseScope(input.scope) : current.scopes,
      resources: input.resources ? [...new Set(input.resources)] : current.resources,
      trusted: input.trusted ?? current.trusted,
      accessTokenTtl:
        input.accessTokenTtl === undefined
          ? current.accessTokenTtl
          : (ttl(input.accessTokenTtl, 'accessTokenTtl') ?? null),
      refreshTokenTtl:
        input.refreshTokenTtl === undefined
          ? current.refreshTokenTtl
          : (ttl(input.refreshTokenTtl, 'refreshTokenTtl') ?? null),
      idTokenAlg: idTokenAlg(input.idTokenSignedResponseAlg) ?? current.idTokenAlg,
    };
    validate(next);
    const row = await this.#store.update(id, {
      name: next.name,
      application_type: next.applicationType,
      redirect_uris: JSON.stringify(next.redirectUris),
      grant_types: JSON.stringify(next.grantTypes),
      scope: formatScope(next.scopes),
      resources: JSON.stringify(next.resources),
      trusted: next.trusted ? 1 : 0,
      access_token_ttl: next.accessTokenTtl,
      refresh_token_ttl: next.refreshTokenTtl,
      id_token_alg: next.idTokenAlg,
      updated_at: this.ctx.now(),
    });
    if (!row) throw notFound('No such client');
    await this.ctx.bus.publish(clientTag(id));
    return fromRow(row);
  }

  /** A new secret, shown once; the old one stops working at once on every instance. */
  async rotateSecret(id: string): Promise<{ client: OAuthClient; secret: string }> {
    const current = await this.get(id);
    if (current.public) throw badRequest('A public client has no secret', { public: 'has no secret' });
    const secret = newClientSecret();
    const now = this.ctx.now();
    const row = await this.#store.update(id, {
      secret_hash: sha256(secret),
      secret_rotated_at: now,
      updated_at: now,
    });
    if (!row) throw notFound('No such client');
    await this.ctx.bus.publish(clientTag(id));
    return { client: fromRow(row), secret };
  }

  async delete(id: string): Promise<void> {
    if (!(await this.#store.delete(id))) throw notFound('No such client');
    await this.ctx.bus.publish(clientTag(id));
  }

  /** Whether `secret` is this client's: SHA-256, compared in constant time. */
  secretMatches(client: OAuthClient, secret: string): boolean {
    if (client.secretHash === null) return false;
    return constantTimeEqual(sha256(secret), client.secretHash);
  }
}
