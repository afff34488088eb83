import type { AppContext } from '../../context.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import type { AuthConfigService } from '../auth-config/service.js';
import type { PrincipalLoader } from '../identity/principals.js';
import type { SessionService } from '../sessions/service.js';
import type { SigningKeyRing } from '../signing-keys/key-ring.js';
import type { TokenService } from '../tokens/service.js';
import { OAuthAccessTokens } from './access-tokens.js';
import { AuthorizationFlow } from './authorize/flow.js';
import { OAuthClients } from './clients/service.js';
import { IdTokens } from './id-tokens.js';
import { OAuthStore } from './store.js';
import type { GrantContext } from './token/context.js';

/** The bus key of one client-credentials token's revocation (the cache key of its denylist entry). */
const revokedTag = (jti: string) => `oauth-jti:${jti}`;

export interface OAuthDependencies {
  signingKeys: SigningKeyRing;
  tokens: TokenService;
  principals: PrincipalLoader;
  sessions: SessionService;
  authConfig: AuthConfigService;
}

/**
 * The OAuth 2.0 / OpenID Connect authorization server (issue 11), built once per app: registered clients,
 * the authorization flow (login and consent pages), the grants, and the tokens they issue. OAuth refresh
 * tokens are token families of features/tokens with a client attached.
 */
export class OAuthFeature {
  readonly clients: OAuthClients;
  readonly store: OAuthStore;
  readonly accessTokens: OAuthAccessTokens;
  readonly flow: AuthorizationFlow;
  readonly grantContext: GrantContext;
  /**
   * Whether a client-credentials token is denylisted, by jti: a resource server introspects one token many
   * times. A revocation drops the entry on every instance over the invalidation bus; the cache's generation
   * guard keeps a read that raced the revocation from caching the stale answer.
   */
  readonly #revoked: TtlCache<boolean>;

  constructor(
    readonly ctx: AppContext,
    deps: OAuthDependencies,
  ) {
    this.clients = new OAuthClients(ctx);
    this.store = new OAuthStore(ctx.storage.db);
    this.#revoked = new TtlCache<boolean>(30_000, 10_000, ctx.now).follow(ctx.bus);
    ctx.metrics.watchCache('oauth_revoked_tokens', this.#revoked);
    this.accessTokens = new OAuthAccessTokens(ctx, deps.signingKeys);
    this.flow = new AuthorizationFlow(ctx, {
      clients: this.clients,
      store: this.store,
      sessions: deps.sessions,
      principals: deps.principals,
      authConfig: deps.authConfig,
    });
    this.grantContext = {
      ctx,
      clients: this.clients,
      store: this.store,
      tokens: deps.tokens,
      principals: deps.principals,
      accessTokens: this.accessTokens,
      idTokens: new IdTokens(ctx, deps.signingKeys),
    };
  }

  /**
   * Deletes a client with everything issued to it: its grants end at once on every instance, and its
   * client-credentials tokens (which have no grant, and whose jtis are not stored) stop being accepted
   * because every check of a token asks whether its client still exists (`tokenClientExists`).
   */
  async deleteClient(clientId: string): Promise<void> {
    await this.clients.get(clientId);
    await this.grantContext.tokens.revokeClientGrants(clientId, undefined, 'client_deleted');
    await this.clients.delete(clientId);
  }

  /**
   * Whether revocation state may come from this instance's caches: yes while the invalidation listener is
   * connected (a revocation on another instance reaches them within the documented bound), no while it
   * reconnects (revocations made elsewhere meanwhile would not arrive; the database answers instead).
   */
  get cachesCurrent(): boolean {
    return this.ctx.bus.listening;
  }

  /**
   * Whether the client a token was issued to is still registered: deleting a client ends every token it
   * holds, of every grant. From the bus-invalidated client cache (a deletion on another instance reaches it
   * within the delivery bound; on SQLite the command line's deletion on the next request, `clients.find`),
   * from the database while the listener reconnects.
   */
  tokenClientExists(clientId: string): Promise<boolean> {
    return this.clients.exists(clientId, !this.cachesCurrent);
  }

  /** Whether a client-credentials token was revoked: cached per jti, read afresh while the bus is down. */
  async accessTokenRevoked(jti: string): Promise<boolean> {
    if (!this.cachesCurrent) return this.store.isAccessTokenRevoked(jti);
    return this.#revoked.read(
      revokedTag(jti),
      () => this.store.isAccessTokenRevoked(jti),
      () => [],
    );
  }

  /** Denylists a client-credentials token until it expires, and tells every instance. */
  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    await this.store.revokeAccessToken(jti, expiresAt);
    await this.ctx.bus.publish(revokedTag(jti));
  }

  /** A user disconnects an app: its grants end and the consent is forgotten. False if there was none. */
  async revokeGrant(userId: string, clientId: string): Promise<boolean> {
    const ended = await this.grantContext.tokens.revokeClientGrants(clientId, userId, 'revoked_by_user');
    const forgotten = await this.store.deleteConsent(userId, clientId);
    return ended > 0 || forgotten;
  }
}
