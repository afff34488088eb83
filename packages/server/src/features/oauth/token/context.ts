import type { AppContext } from '../../../context.js';
import type { PrincipalLoader } from '../../identity/principals.js';
import type { UserRow } from '../../identity/user-store.js';
import { parseAmr } from '../../sessions/amr.js';
import type { TokenService } from '../../tokens/service.js';
import type { FamilyRow } from '../../tokens/store.js';
import type { OAuthAccessTokens } from '../access-tokens.js';
import type { OAuthClient, OAuthClients } from '../clients/service.js';
import type { IdTokens } from '../id-tokens.js';
import { audienceOf } from '../resources.js';
import { formatScope } from '../scopes.js';
import type { OAuthStore } from '../store.js';

/** What the grants need. */
export interface GrantContext {
  ctx: AppContext;
  clients: OAuthClients;
  store: OAuthStore;
  tokens: TokenService;
  principals: PrincipalLoader;
  accessTokens: OAuthAccessTokens;
  idTokens: IdTokens;
}

/** RFC 6749 §5.1 (plus `id_token`, OIDC Core §3.1.3.3). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

export const accessTtlOf = (grant: GrantContext, client: OAuthClient) =>
  client.accessTokenTtl ?? grant.ctx.config.tokens.accessTtl;

/** The user a grant acts for, if the account still exists and is enabled. */
export async function grantUser(grant: GrantContext, userId: string): Promise<UserRow | undefined> {
  const principal = await grant.principals.load(userId, null).catch(() => null);
  return principal?.user;
}

/** The tokens of a user's grant: an access token for its audience, an ID token with `openid`, the refresh token. */
export async function userTokens(
  grant: GrantContext,
  input: {
    client: OAuthClient;
    user: UserRow;
    family: FamilyRow;
    scopes: string[];
    /** The resources (audiences) this access token is for; empty: Gatehouse's own API. */
    resources: readonly string[];
    refreshToken: string | undefined;
    nonce?: string | null | undefined;
  },
): Promise<TokenResponse> {
  const { client, user, family, scopes } = input;
  const ttlSeconds = accessTtlOf(grant, client);
  const scope = formatScope(scopes);
  const access = await grant.accessTokens.mint({
    subject: user.id,
    clientId: client.id,
    scope,
    audience: audienceOf(input.resources, grant.accessTokens.selfAudience),
    familyId: family.id,
    ttlSeconds,
  });
  const response: TokenResponse = {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: ttlSeconds,
    scope,
  };
  if (input.refreshToken) response.refresh_token = input.refreshToken;
  if (scopes.includes('openid')) {
    response.id_token = await grant.idTokens.mint({
      user,
      clientId: client.id,
      alg: client.idTokenAlg,
      scopes,
      authTime: Number(family.auth_time ?? family.created_at),
      amr: parseAmr(family.amr),
      nonce: input.nonce,
      accessToken: access.token,
      ttlSeconds,
    });
  }
  return response;
}
