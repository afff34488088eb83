import { randomUUID } from 'node:crypto';
import { decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import type { AppContext } from '../../context.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { isStorageUnavailable } from '../../storage/database.js';
import type { SigningKeyRing } from '../signing-keys/key-ring.js';
import { ACCESS_TOKEN_TYPE } from '../tokens/access-token.js';
import { issuerOf } from './issuer.js';

/** Header parameters naming a key the token brings itself (RFC 8725 §3.10): refused outright. */
const FOREIGN_KEY_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'];
const CLOCK_TOLERANCE_SECONDS = 5;

export interface OAuthAccessTokenInput {
  /** The user, or the client itself for client_credentials. */
  subject: string;
  clientId: string;
  scope: string;
  /** The resource servers (RFC 8707; several: an array), or Gatehouse's own API. */
  audience: string | string[];
  /** The grant's token family (user tokens); absent for client_credentials. */
  familyId?: string | undefined;
  roles?: string[] | undefined;
  workspaceId?: string | null | undefined;
  ttlSeconds: number;
}

/** A verified OAuth access token's claims. */
export interface OAuthAccessClaims {
  subject: string;
  clientId: string;
  scope: string;
  audience: string[];
  familyId: string | undefined;
  tokenId: string;
  issuedAt: number;
  expiresAt: number;
}

/**
 * Access tokens for OAuth clients: RFC 9068 JWTs (`typ: at+jwt`, `client_id`, `scope`, `jti`) signed with
 * the same EdDSA key ring as Gatehouse's first-party tokens, so one whose audience is Gatehouse itself
 * (and that belongs to a user's grant) is accepted on /api within its scopes (tokens/authenticator.ts).
 */
export class OAuthAccessTokens {
  readonly issuer: string;
  /** The audience of a token for Gatehouse's own API (the same as first-party access tokens). */
  readonly selfAudience: string;
  /**
   * Tokens whose signature and claims checked out, by token string (as in tokens/access-token.ts): a
   * resource server introspects one token many times, and the Ed25519 check costs more than the rest.
   * A hit still needs its key usable and the token unexpired; revocation is checked by the caller.
   */
  readonly #verified: TtlCache<OAuthAccessClaims & { kid: string }>;

  constructor(
    private readonly ctx: AppContext,
    private readonly keys: SigningKeyRing,
  ) {
    this.issuer = issuerOf(ctx.config);
    this.selfAudience = ctx.config.publicUrl.origin;
    this.#verified = new TtlCache(60_000, 10_000, ctx.now);
  }

  async mint(input: OAuthAccessTokenInput): Promise<{ token: string; jti: string; expiresIn: number }> {
    const issuedAt = Math.floor(this.ctx.now() / 1000);
    // 122 random bits, unique for the denylist; randomUUID draws from a cached block of CSPRNG output, where
    // randomBytes per token costs a call into OpenSSL (a few µs of each client_credentials request).
    const jti = randomUUID();
    // Signed on the thread pool: the signature is a quarter of this endpoint's event-loop time, and the loop
    // is what bounds its rate (jws.ts).
    const token = await this.keys.signOffLoop('EdDSA', ACCESS_TOKEN_TYPE, {
      client_id: input.clientId,
      scope: input.scope,
      ...(input.familyId && { fid: input.familyId }),
      ...(input.roles && { roles: input.roles }),
      ...(input.workspaceId && { wid: input.workspaceId }),
      iss: this.issuer,
      aud: input.audience,
      sub: input.subject,
      iat: issuedAt,
      exp: issuedAt + input.ttlSeconds,
      jti,
    });
    return { token, jti, expiresIn: input.ttlSeconds };
  }

  /**
   * Verifies signature, `typ`, issuer and expiry, for any audience (introspection and revocation see tokens
   * for every resource server). Undefined for anything that is not a valid Gatehouse access token.
   * `acceptExpired`: revocation still needs to know which grant an expired token came from.
   */
  async verify(token: string, acceptExpired = false): Promise<OAuthAccessClaims | undefined> {
    const cached = acceptExpired ? undefined : this.#verified.get(token);
    if (cached) {
      const fresh = this.ctx.now() < cached.expiresAt + CLOCK_TOLERANCE_SECONDS * 1000;
      if (fresh && (await this.keys.verificationKey(cached.kid))) return cached;
      this.#verified.delete(token);
    }
    let payload: JWTPayload;
    let kid = '';
    try {
      const header = decodeProtectedHeader(token);
      if (FOREIGN_KEY_HEADERS.some((name) => name in header)) return undefined;
      ({ payload } = await jwtVerify(
        token,
        async (protectedHeader) => {
          const key =
            typeof protectedHeader.kid === 'string'
              ? await this.keys.verificationKey(protectedHeader.kid)
              : undefined;
          if (!key || key.alg !== protectedHeader.alg) throw new Error('unknown signing key');
          kid = key.kid;
          return key.key;
        },
        {
          algorithms: ['EdDSA'],
          typ: ACCESS_TOKEN_TYPE,
          issuer: this.issuer,
          requiredClaims: ['sub', 'exp', 'iat', 'jti', 'client_id'],
          currentDate: new Date(this.ctx.now()),
          clockTolerance: acceptExpired ? 365 * 24 * 3600 : CLOCK_TOLERANCE_SECONDS,
        },
      ));
    } catch (error) {
      if (isStorageUnavailable(error)) throw error;
      return undefined;
    }
    const { sub, client_id, scope, aud, fid, jti, iat, exp } = payload;
    if (typeof sub !== 'string' || typeof client_id !== 'string' || typeof jti !== 'string') return undefined;
    if (fid !== undefined && typeof fid !== 'string') return undefined;
    const claims: OAuthAccessClaims = {
      subject: sub,
      clientId: client_id,
      scope: typeof scope === 'string' ? scope : '',
      audience: typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.map(String) : [],
      familyId: fid,
      tokenId: jti,
      issuedAt: (iat ?? 0) * 1000,
      expiresAt: (exp ?? 0) * 1000,
    };
    if (!acceptExpired) this.#verified.set(token, { ...claims, kid });
    return claims;
  }
}
