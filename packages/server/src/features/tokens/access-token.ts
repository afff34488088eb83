import { decodeProtectedHeader, type JWTPayload, errors as joseErrors, jwtVerify } from 'jose';
import type { AppContext } from '../../context.js';
import { newId } from '../../lib/crypto.js';
import { invalidToken } from '../../lib/errors.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { isStorageUnavailable } from '../../storage/database.js';
import { issuerOf } from '../oauth/issuer.js';
import type { SigningKeyRing } from '../signing-keys/key-ring.js';

/** RFC 9068 §2.1: the `typ` that tells an access token apart from an ID token or any other JWT. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
/** RFC 9068 §2.2 requires `client_id`; first-party tokens (from /api/signin) name Gatehouse itself. */
export const FIRST_PARTY_CLIENT_ID = 'gatehouse';
/** The only algorithm accepted: `none`, HMAC (public-key confusion) and anything else are refused up front. */
const ACCESS_TOKEN_ALGORITHMS = ['EdDSA'];
/**
 * Header parameters that point at a key supplied by the token itself (RFC 8725 §3.10, RFC 7515 §4.1.2–4.1.6).
 * Keys come only from our own key ring, so a token carrying one of these is refused outright.
 */
const FOREIGN_KEY_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'];
/** Tolerated clock difference between instances when checking `exp` and `nbf`. */
const CLOCK_TOLERANCE_SECONDS = 5;

export interface AccessTokenClaims {
  userId: string;
  roles: string[];
  workspaceId: string | null;
  familyId: string;
}

export interface VerifiedAccessToken extends AccessTokenClaims {
  tokenId: string;
  expiresAt: number;
  /** `gatehouse` for first-party tokens; an OAuth client's id for tokens it obtained (features/oauth). */
  clientId: string;
  /** The OAuth scope claim (space-separated); empty for first-party tokens. */
  scope: string;
}

class ForeignKeyHeader extends Error {
  override message = 'the header names a key of its own (jwk, jku, x5u or x5c)';
}

/**
 * Why a token was refused, for the log only: the client always gets the same invalid_token (RFC 6750 §3.1),
 * an operator chasing "why is my token refused" gets jose's check (`ERR_JWT_EXPIRED: "exp" claim …`).
 * jose's messages name the failing check, never the token or a key.
 */
function refusalReason(error: unknown): string {
  if (error instanceof joseErrors.JOSEError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return 'unreadable token';
}

function stringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

/**
 * First-party access tokens: RFC 9068 JWTs signed by the shared key ring. `iss` and `aud` are both the
 * public URL's origin (Gatehouse issues them for its own /api); custom claims: `roles` (global roles at
 * issue time), `wid` (active workspace), `fid` (refresh-token family, checked for revocation).
 */
export class AccessTokens {
  readonly issuer: string;
  readonly audience: string;
  /**
   * Tokens whose signature and claims already checked out, by token string. An Ed25519 verification costs
   * more than the rest of an authenticated request together; a client replays one token for minutes. A hit
   * still requires the signing key to be usable and the token unexpired; revocation is checked per request
   * by the caller (the family), so caching the signature check weakens nothing.
   */
  readonly #verified: TtlCache<VerifiedAccessToken & { kid: string }>;

  constructor(
    private readonly ctx: AppContext,
    private readonly keys: SigningKeyRing,
  ) {
    this.#verified = new TtlCache(60_000, 5_000, ctx.now);
    // The OAuth issuer (the public URL): OAuth access tokens for Gatehouse's own API verify here too.
    this.issuer = issuerOf(ctx.config);
    this.audience = ctx.config.publicUrl.origin;
  }

  get lifetimeSeconds(): number {
    return this.ctx.config.tokens.accessTtl;
  }

  mint(claims: AccessTokenClaims): Promise<string> {
    const issuedAt = Math.floor(this.ctx.now() / 1000);
    // Signed on the thread pool (jws.ts), as the OAuth token endpoint's: the Ed25519 signature is ~40 µs of
    // a refresh rotation's event-loop time, and the loop is what bounds the rotation's rate on SQLite, whose
    // write runs on the loop too (docs/performance.md).
    return this.keys.signOffLoop('EdDSA', ACCESS_TOKEN_TYPE, {
      client_id: FIRST_PARTY_CLIENT_ID,
      roles: claims.roles,
      fid: claims.familyId,
      ...(claims.workspaceId && { wid: claims.workspaceId }),
      iss: this.issuer,
      aud: this.audience,
      sub: claims.userId,
      iat: issuedAt,
      exp: issuedAt + this.lifetimeSeconds,
      jti: newId(),
    });
  }

  /**
   * `verify` from memory alone: a token verified before, not expired, whose key the ring still holds
   * without a reload; undefined otherwise (then `verify` decides).
   */
  cached(token: string): VerifiedAccessToken | undefined {
    const cached = this.#verified.get(token);
    return cached && this.#fresh(cached) && this.keys.knownVerificationKey(cached.kid) ? cached : undefined;
  }

  #fresh(verified: VerifiedAccessToken): boolean {
    return this.ctx.now() < verified.expiresAt + CLOCK_TOLERANCE_SECONDS * 1000;
  }

  /**
   * Verifies signature, header and claims; anything wrong is the same 401 invalid_token (RFC 6750 §3.1).
   * `acceptExpiredFor` (seconds) is for logout only: an expired but genuine token still names the family to end.
   */
  async verify(token: string, acceptExpiredFor = 0): Promise<VerifiedAccessToken> {
    const cached = acceptExpiredFor === 0 ? this.#verified.get(token) : undefined;
    if (cached) {
      if (this.#fresh(cached) && (await this.keys.verificationKey(cached.kid))) return cached;
      this.#verified.delete(token);
    }
    let payload: JWTPayload;
    let kid = '';
    try {
      // Cheap structural refusal before any key lookup; jwtVerify repeats the full checks.
      const header = decodeProtectedHeader(token);
      if (FOREIGN_KEY_HEADERS.some((name) => name in header)) throw new ForeignKeyHeader();
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
          algorithms: ACCESS_TOKEN_ALGORITHMS,
          typ: ACCESS_TOKEN_TYPE,
          issuer: this.issuer,
          audience: this.audience,
          requiredClaims: ['sub', 'exp', 'iat', 'jti', 'fid'],
          currentDate: new Date(this.ctx.now()),
          clockTolerance: CLOCK_TOLERANCE_SECONDS + acceptExpiredFor,
        },
      ));
    } catch (error) {
      // A database that cannot be read (key reload) is a 503, not the client's fault.
      if (isStorageUnavailable(error)) throw error;
      throw invalidToken(undefined, refusalReason(error));
    }
    const { sub, fid, wid, roles, jti, exp, client_id, scope } = payload;
    if (typeof sub !== 'string' || typeof fid !== 'string' || typeof jti !== 'string' || !exp)
      throw invalidToken(undefined, 'a registered claim is not a string');
    if (wid !== undefined && typeof wid !== 'string') throw invalidToken(undefined, 'wid is not a string');
    const verified = {
      userId: sub,
      familyId: fid,
      workspaceId: wid ?? null,
      roles: stringArray(roles) ? roles : [],
      tokenId: jti,
      expiresAt: exp * 1000,
      clientId: typeof client_id === 'string' ? client_id : FIRST_PARTY_CLIENT_ID,
      scope: typeof scope === 'string' ? scope : '',
    };
    if (acceptExpiredFor === 0) this.#verified.set(token, { ...verified, kid });
    return verified;
  }
}
