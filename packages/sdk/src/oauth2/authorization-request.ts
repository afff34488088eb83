import { GatehouseError } from '../errors.js';
import { pkceChallenge, randomToken } from './pkce.js';
import type { AuthorizationRequest, AuthorizationServerMetadata, AuthorizationUrlOptions } from './types.js';

/**
 * Builds an authorization request (RFC 6749 §4.1.1) with PKCE S256 (RFC 7636 §4.3), `state` and, for
 * OpenID Connect, `nonce`. The verifier never appears in the URL; only its SHA-256 challenge does.
 */
export async function buildAuthorizationRequest(
  metadata: AuthorizationServerMetadata,
  client: { clientId: string; defaultScope: string },
  options: AuthorizationUrlOptions,
): Promise<AuthorizationRequest> {
  if (typeof metadata.authorization_endpoint !== 'string') {
    throw new GatehouseError({
      status: 0,
      code: 'UNSUPPORTED_BY_SERVER',
      message: "The authorization server's metadata has no authorization_endpoint",
    });
  }
  const methods = metadata.code_challenge_methods_supported;
  if (methods && !methods.includes('S256')) {
    throw new GatehouseError({
      status: 0,
      code: 'UNSUPPORTED_BY_SERVER',
      message: 'The authorization server does not support PKCE with S256',
    });
  }
  const scope = options.scope ?? client.defaultScope;
  const state = options.state ?? randomToken();
  const nonce = options.nonce ?? (scope.split(' ').includes('openid') ? randomToken() : undefined);
  const codeVerifier = options.codeVerifier ?? randomToken();
  if (!/^[\w.~-]{43,128}$/.test(codeVerifier)) {
    throw new TypeError('codeVerifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~ (RFC 7636 §4.1)');
  }
  const maxAge = options.maxAge ?? maxAgeParameter(options.parameters?.['max_age']);
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 0)) {
    throw new TypeError('maxAge must be a whole number of seconds');
  }
  const url = new URL(metadata.authorization_endpoint);
  for (const [name, value] of Object.entries(options.parameters ?? {})) url.searchParams.set(name, value);
  const parameters: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: options.redirectUri,
    scope,
    state,
    nonce,
    prompt: options.prompt,
    max_age: maxAge === undefined ? undefined : String(maxAge),
    code_challenge: await pkceChallenge(codeVerifier),
    code_challenge_method: 'S256',
  };
  for (const [name, value] of Object.entries(parameters))
    if (value !== undefined) url.searchParams.set(name, value);
  // RFC 8707 §2: one `resource` parameter per resource server.
  for (const resource of [options.resource ?? []].flat()) url.searchParams.append('resource', resource);
  const href = url.href;
  return {
    url: href,
    state,
    codeVerifier,
    ...(nonce === undefined ? {} : { nonce }),
    ...(maxAge === undefined ? {} : { maxAge }),
    redirectUri: options.redirectUri,
    toString: () => href,
  };
}

/** `max_age` passed among the raw parameters still counts for the `auth_time` check. */
const maxAgeParameter = (value: string | undefined) => (value === undefined ? undefined : Number(value));

/** How long an unanswered request is remembered, and how many: a bound, so abandoned logins cannot pile up. */
const PENDING_TTL_MS = 10 * 60_000;
const PENDING_MAX = 1000;

interface Pending {
  request: AuthorizationRequest;
  expiresAt: number;
}

/**
 * The requests this SDK instance built, so that within one process the seed's
 * `exchangeAuthorizationCode({code, redirectUri})` finds its PKCE verifier and nonce without the caller
 * carrying them. Each is used once; across processes callers pass `codeVerifier` and `nonce` themselves.
 */
export class PendingAuthorizations {
  readonly #byState = new Map<string, Pending>();
  readonly #byCode = new Map<string, Pending>();

  remember(request: AuthorizationRequest): void {
    this.#prune();
    this.#byState.set(request.state, { request, expiresAt: Date.now() + PENDING_TTL_MS });
  }

  /** The callback for `state` carried `code`: the request moves to the code, which the exchange will name. */
  answered(state: string | undefined, code: string): void {
    const pending = state === undefined ? undefined : this.#byState.get(state);
    if (!pending || state === undefined) return;
    this.#byState.delete(state);
    this.#prune();
    this.#byCode.set(code, pending);
  }

  /** The request `code` answered, once. */
  takeForCode(code: string): AuthorizationRequest | undefined {
    const pending = this.#byCode.get(code);
    this.#byCode.delete(code);
    return pending && pending.expiresAt > Date.now() ? pending.request : undefined;
  }

  #prune(): void {
    const now = Date.now();
    for (const map of [this.#byState, this.#byCode]) {
      for (const [key, pending] of map) if (pending.expiresAt <= now) map.delete(key);
      // Maps iterate in insertion order: the first entries are the oldest.
      for (const key of map.keys()) {
        if (map.size < PENDING_MAX) break;
        map.delete(key);
      }
    }
  }
}
