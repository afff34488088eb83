import type { GatehouseClient } from '../client.js';
import { GatehouseError, isRecord } from '../errors.js';
import type { AuthorizationServerMetadata } from './types.js';

/** The endpoints `discover()` may name; each OAuth operation needs one of them. */
export type EndpointName =
  | 'authorization_endpoint'
  | 'token_endpoint'
  | 'jwks_uri'
  | 'userinfo_endpoint'
  | 'revocation_endpoint'
  | 'introspection_endpoint';

/**
 * Discovery, fetched once per SDK instance and shared by concurrent callers. A failed fetch is not
 * cached, so the next call tries again.
 */
export class MetadataCache {
  #loading: Promise<AuthorizationServerMetadata> | undefined;
  #loaded: AuthorizationServerMetadata | undefined;

  constructor(
    private readonly client: GatehouseClient,
    readonly issuer: string,
  ) {}

  /** The metadata if it was fetched already; lets synchronous code (callback parsing) use it. */
  get loaded(): AuthorizationServerMetadata | undefined {
    return this.#loaded;
  }

  load(): Promise<AuthorizationServerMetadata> {
    this.#loading ??= this.#fetch().then(
      (metadata) => {
        this.#loaded = metadata;
        return metadata;
      },
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }

  /** The URL of one endpoint, or a clear error when the server does not offer it. */
  async endpoint(name: EndpointName): Promise<string> {
    const url = (await this.load())[name];
    if (typeof url === 'string' && url) return url;
    throw new GatehouseError({
      status: 0,
      code: 'UNSUPPORTED_BY_SERVER',
      message: `The authorization server's metadata has no ${name}`,
    });
  }

  async #fetch(): Promise<AuthorizationServerMetadata> {
    const base = this.issuer.replace(/\/+$/, '');
    try {
      return this.#validate(await this.#get(`${base}/.well-known/openid-configuration`));
    } catch (error) {
      if (!(error instanceof GatehouseError) || error.status !== 404) throw error;
      // A plain OAuth server (RFC 8414 §3.1) puts the well-known segment before the issuer's path.
      const { origin, pathname } = new URL(this.issuer);
      const path = pathname === '/' ? '' : pathname.replace(/\/+$/, '');
      return this.#validate(await this.#get(`${origin}/.well-known/oauth-authorization-server${path}`));
    }
  }

  #get(url: string): Promise<unknown> {
    return this.client.request({ method: 'GET', url, anonymous: true, credentials: 'omit' });
  }

  /**
   * The issuer in the document must be the one configured, byte for byte (OpenID Connect Discovery §4.3,
   * RFC 8414 §3.3): otherwise a server could pass itself off as another and its tokens would be accepted.
   */
  #validate(document: unknown): AuthorizationServerMetadata {
    if (!isRecord(document) || typeof document['issuer'] !== 'string') {
      throw new GatehouseError({
        status: 200,
        code: 'INVALID_RESPONSE',
        message: 'The discovery document is not authorization server metadata',
        details: document,
      });
    }
    if (document['issuer'] !== this.issuer) {
      throw new GatehouseError({
        status: 200,
        code: 'ISSUER_MISMATCH',
        message: `The discovery document names issuer ${document['issuer']}, not ${this.issuer}`,
      });
    }
    return document as AuthorizationServerMetadata;
  }
}
