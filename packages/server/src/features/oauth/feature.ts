import type { AppContext } from '../../context.js';
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

  constructor(
    readonly ctx: AppContext,
    deps: OAuthDependencies,
  ) {
    this.clients = new OAuthClients(ctx);
    this.store = new OAuthStore(ctx.storage.db);
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

  /** Deletes a client with everything issued to it: its grants end at once on every instance. */
  async deleteClient(clientId: string): Promise<void> {
    await this.clients.get(clientId);
    await this.grantContext.tokens.revokeClientGrants(clientId, undefined, 'client_deleted');
    await this.clients.delete(clientId);
  }

  /**
   * Whether a client-credentials token was revoked. Read from the database every time: introspection is
   * the check a resource server relies on to see a revocation at once, on every instance, without waiting
   * for the invalidation bus (a primary-key look-up on a table that only holds unexpired revocations).
   */
  accessTokenRevoked(jti: string): Promise<boolean> {
    return this.store.isAccessTokenRevoked(jti);
  }

  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    await this.store.revokeAccessToken(jti, expiresAt);
  }

  /** A user disconnects an app: its grants end and the consent is forgotten. False if there was none. */
  async revokeGrant(userId: string, clientId: string): Promise<boolean> {
    const ended = await this.grantContext.tokens.revokeClientGrants(clientId, userId, 'revoked_by_user');
    const forgotten = await this.store.deleteConsent(userId, clientId);
    return ended > 0 || forgotten;
  }
}
