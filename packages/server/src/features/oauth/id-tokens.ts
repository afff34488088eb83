import { createHash } from 'node:crypto';
import type { AppContext } from '../../context.js';
import type { UserRow } from '../identity/user-store.js';
import type { SigningKeyRing } from '../signing-keys/key-ring.js';
import { userClaims } from './claims.js';
import type { IdTokenAlgorithm } from './clients/service.js';
import { issuerOf } from './issuer.js';

/** ID tokens live as long as the access token they come with; clients check them once, at sign-in. */
export interface IdTokenInput {
  user: UserRow;
  clientId: string;
  /** The client's `id_token_signed_response_alg`. */
  alg: IdTokenAlgorithm;
  scopes: readonly string[];
  /** Epoch ms of the user's sign-in. */
  authTime: number;
  amr: string[] | null;
  nonce?: string | null | undefined;
  /** The access token issued with it: `at_hash` binds the two (OIDC Core §3.1.3.6). */
  accessToken: string;
  ttlSeconds: number;
}

/**
 * OIDC Core §3.1.3.6: base64url of the left half of the access token's hash, with the hash of the ID
 * token's algorithm: SHA-256 for RS256 and ES256, SHA-512 for EdDSA (Ed25519), as OpenID's registry and
 * certified relying parties have it.
 */
export function atHash(accessToken: string, alg: IdTokenAlgorithm = 'RS256'): string {
  const digest = createHash(alg === 'EdDSA' ? 'sha512' : 'sha256')
    .update(accessToken)
    .digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/**
 * OpenID Connect ID tokens: RS256 by default (the algorithm every relying party supports, OIDC Core §15.1),
 * or ES256 or EdDSA for a client registered with that `id_token_signed_response_alg`. Each algorithm has
 * its own signing key in the shared key ring, published in the JWKS and rotated with the others.
 */
export class IdTokens {
  readonly #issuer: string;

  constructor(
    private readonly ctx: AppContext,
    private readonly keys: SigningKeyRing,
  ) {
    this.#issuer = issuerOf(ctx.config);
  }

  mint(input: IdTokenInput): Promise<string> {
    const issuedAt = Math.floor(this.ctx.now() / 1000);
    const { sub: _sub, ...claims } = userClaims(input.user, input.scopes);
    return this.keys.signOffLoop(input.alg, 'JWT', {
      ...claims,
      auth_time: Math.floor(input.authTime / 1000),
      at_hash: atHash(input.accessToken, input.alg),
      azp: input.clientId,
      ...(input.nonce && { nonce: input.nonce }),
      ...(input.amr && { amr: input.amr }),
      iss: this.#issuer,
      aud: input.clientId,
      sub: input.user.id,
      iat: issuedAt,
      exp: issuedAt + input.ttlSeconds,
    });
  }
}
