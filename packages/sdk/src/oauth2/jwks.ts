import { isRecord } from '../errors.js';
import { keyFits, type PublicJwk } from './jws.js';

/** A JWKS is fetched again for an unknown `kid` (the server rotated keys), but at most this often. */
const REFETCH_COOLDOWN_MS = 30_000;

/** The authorization server's signing keys (`jwks_uri`), cached until a token names a key it lacks. */
export class JwksCache {
  #keys: Promise<PublicJwk[]> | undefined;
  #fetchedAt = 0;

  constructor(private readonly fetchJwks: () => Promise<unknown>) {}

  /** The one key that can verify a token with this header, or undefined when none (or several) fit. */
  async keyFor(alg: string, kid: string | undefined): Promise<PublicJwk | undefined> {
    const found = pick(await this.#load(false), alg, kid);
    if (found || Date.now() - this.#fetchedAt < REFETCH_COOLDOWN_MS) return found;
    return pick(await this.#load(true), alg, kid);
  }

  #load(again: boolean): Promise<PublicJwk[]> {
    if (!this.#keys || again) {
      this.#fetchedAt = Date.now();
      const loading = this.fetchJwks().then(keysOf);
      // A failed fetch is forgotten, so the next token tries again.
      loading.catch(() => {
        if (this.#keys === loading) this.#keys = undefined;
      });
      this.#keys = loading;
    }
    return this.#keys;
  }
}

function keysOf(document: unknown): PublicJwk[] {
  const keys = isRecord(document) && Array.isArray(document['keys']) ? document['keys'] : [];
  return keys.filter((key): key is PublicJwk => isRecord(key) && typeof key['kty'] === 'string');
}

/**
 * With a `kid`, the key of that id; without one, the only key that fits the algorithm. Several candidates
 * and no `kid` is refused rather than tried one by one (RFC 7515 §4.1.4 lets the server say which).
 */
function pick(keys: PublicJwk[], alg: string, kid: string | undefined): PublicJwk | undefined {
  const candidates = keys.filter((key) => keyFits(key, alg) && (kid === undefined || key.kid === kid));
  return candidates.length === 1 ? candidates[0] : undefined;
}
