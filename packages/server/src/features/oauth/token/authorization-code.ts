import { createHash } from 'node:crypto';
import { newId, randomSecret, sha256 } from '../../../lib/crypto.js';
import { familyTag } from '../../tokens/service.js';
import type { FamilyRow, RefreshTokenRow } from '../../tokens/store.js';
import type { OAuthClient } from '../clients/service.js';
import { invalidGrant, invalidRequest, unauthorizedClient } from '../errors.js';
import { allowedResources, parseResources } from '../resources.js';
import { parseScope } from '../scopes.js';
import type { CodeRow } from '../store.js';
import { type GrantContext, grantUser, type TokenResponse, userTokens } from './context.js';

/** RFC 7636 §4.1: 43–128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** RFC 7636 §4.6: the proof the client holds the verifier behind the code's challenge. */
function checkPkce(code: CodeRow, verifier: string | undefined): void {
  if (code.code_challenge === null) {
    // A verifier for a code issued without a challenge is a client mix-up (or a downgrade attempt).
    if (verifier !== undefined)
      throw invalidGrant('The code was issued without PKCE; code_verifier is unexpected');
    return;
  }
  if (verifier === undefined) throw invalidGrant('code_verifier is required');
  if (!VERIFIER.test(verifier)) throw invalidGrant('code_verifier is malformed');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  if (challenge !== code.code_challenge)
    throw invalidGrant('code_verifier does not match the code_challenge');
}

/**
 * The authorization code grant (RFC 6749 §4.1.3): the code is bound to the client, redirect URI and PKCE
 * challenge, lives 60 seconds and is used once. Exchanging it consumes it and creates the grant's token
 * family in one transaction; a replay finds the code consumed and revokes that family (§4.1.2).
 */
export async function authorizationCodeGrant(
  grant: GrantContext,
  client: OAuthClient,
  form: Record<string, string>,
  requestedResources: string[],
  request: { ip: string; userAgent: string | undefined },
): Promise<TokenResponse> {
  if (!client.grantTypes.includes('authorization_code'))
    throw unauthorizedClient('This client may not use the authorization code grant');
  const raw = form['code'];
  if (!raw) throw invalidRequest('code is required');
  if (form['redirect_uri'] === undefined) throw invalidRequest('redirect_uri is required');
  const hash = sha256(raw);
  const now = grant.ctx.now();
  const code = await grant.store.findCode(hash);
  if (!code || code.client_id !== client.id) throw invalidGrant('The code is invalid');
  if (code.consumed_at !== null) {
    if (code.family_id) await grant.tokens.revokeFamily(code.family_id, 'code_replay');
    grant.ctx.log.warn(
      { clientId: client.id, userId: code.user_id },
      'authorization code replayed: its grant was revoked',
    );
    throw invalidGrant('The code was already used; the tokens issued from it are revoked');
  }
  if (code.expires_at <= now) throw invalidGrant('The code has expired');
  if (form['redirect_uri'] !== code.redirect_uri)
    throw invalidGrant('redirect_uri does not match the authorization request');
  checkPkce(code, form['code_verifier']);
  // RFC 8707 §2.2: the token may be for fewer of the authorized resources, never for another one.
  const granted = parseResources(code.resource);
  const resources = allowedResources(requestedResources, granted, 'among those authorized');
  const user = await grantUser(grant, code.user_id);
  if (!user) throw invalidGrant('The user can no longer sign in');

  const scopes = parseScope(code.scope);
  const offline = scopes.includes('offline_access') && client.grantTypes.includes('refresh_token');
  const ttlMs = offline
    ? (client.refreshTokenTtl ?? grant.ctx.config.tokens.refreshTtl) * 1000
    : (client.accessTokenTtl ?? grant.ctx.config.tokens.accessTtl) * 1000;
  const family: FamilyRow = {
    id: newId(),
    user_id: code.user_id,
    workspace_id: null,
    created_at: now,
    expires_at: now + ttlMs,
    revoked_at: null,
    revoked_reason: null,
    user_agent: request.userAgent?.slice(0, 512) ?? null,
    ip: request.ip,
    client_id: client.id,
    scope: code.scope,
    resource: code.resource,
    auth_time: code.auth_time,
    amr: code.amr,
  };
  const refreshToken = offline ? randomSecret() : undefined;
  const firstToken: RefreshTokenRow | null = refreshToken
    ? {
        token_hash: sha256(refreshToken),
        family_id: family.id,
        created_at: now,
        expires_at: Math.min(now + grant.ctx.config.tokens.refreshIdleTtl * 1000, family.expires_at),
        consumed_at: null,
        successor_sealed: null,
        successor_until: null,
      }
    : null;
  const exchanged = await grant.store.exchangeCode(hash, client.id, now, family, firstToken);
  if (!exchanged) {
    // Lost a race with another exchange of the same code: that is a replay too.
    const winner = await grant.store.findCode(hash);
    if (winner?.family_id) await grant.tokens.revokeFamily(winner.family_id, 'code_replay');
    throw invalidGrant('The code was already used; the tokens issued from it are revoked');
  }
  // The per-user cap ended the user's oldest grants or sign-ins: every instance drops them at once, as
  // /api/token does (their cached families would otherwise keep accepting access tokens for a cache TTL).
  for (const id of exchanged.ended) await grant.ctx.bus.publish(familyTag(id));
  return userTokens(grant, {
    client,
    user,
    family,
    scopes,
    resources: resources.length > 0 ? resources : granted,
    refreshToken,
    nonce: code.nonce,
  });
}
