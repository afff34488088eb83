import { abortedError } from './abort.js';
import { GatehouseError } from './errors.js';
import { jwtExpiry } from './token-set.js';
import type { TokenSet } from './token-store.js';
import type { TokenVault } from './token-vault.js';

/** What one call to a refresh endpoint gave: the new set and the endpoint's answer as it came. */
export interface Renewal {
  tokens: TokenSet;
  response: unknown;
}

export interface RefreshOutcome {
  tokens: TokenSet;
  /** The refresh endpoint's answer, when this flight called it. */
  response?: unknown;
}

/**
 * Swaps the stored set's refresh token for a new set: `POST /api/token/refresh` for Gatehouse's own
 * sign-in, the OAuth token endpoint (RFC 6749 §6) for an OAuth client. Rejects with a GatehouseError.
 */
export type RefreshGrant = (current: TokenSet & { refreshToken: string }) => Promise<Renewal>;

export interface RenewRequest {
  /** The access token a request was rejected with; no refresh happens if the store already moved on. */
  staleAccessToken?: string | undefined;
  /** Refresh even if the stored token differs from `staleAccessToken` (an explicit `refreshToken()`). */
  force?: boolean;
  /** Lets one caller stop waiting without cancelling the refresh the others share. */
  signal?: AbortSignal | undefined;
}

interface RefreshDependencies {
  vault: TokenVault;
  /** Looked up per flight: an OAuth client installs its grant after construction. */
  grant(): RefreshGrant;
  onFailedRefreshToken?: (() => Promise<string | null | undefined>) | undefined;
}

/**
 * Single-flight token refresh. However many requests hit a 401 (or near-expiry) together, one call
 * reaches `/api/token/refresh` and all of them wait for it. This matters beyond efficiency: Gatehouse
 * rotates refresh tokens and treats reuse of an old one as theft (revoking the whole family), so two
 * parallel refreshes with the same token would sign the user out.
 */
export class RefreshCoordinator {
  #inFlight: Promise<RefreshOutcome> | null = null;

  constructor(private readonly deps: RefreshDependencies) {}

  renew(request: RenewRequest = {}): Promise<RefreshOutcome> {
    if (!this.#inFlight) {
      // Assigned synchronously, before any await, so every caller in this tick joins the same flight.
      const flight = this.#fly(request).finally(() => {
        if (this.#inFlight === flight) this.#inFlight = null;
      });
      this.#inFlight = flight;
    }
    return waitUnlessAborted(this.#inFlight, request.signal);
  }

  /**
   * An explicit refresh that must reach the server: joins a flight already under way, and if that one
   * found the set renewed without calling the server, calls it now.
   */
  async refreshNow(signal: AbortSignal | undefined): Promise<RefreshOutcome & { response: unknown }> {
    const renew = () => this.renew({ force: true, signal });
    let outcome = await renew();
    if (outcome.response === undefined) outcome = await renew();
    if (outcome.response === undefined) throw refreshFailed('another refresh replaced the token set');
    return { ...outcome, response: outcome.response };
  }

  async #fly({ staleAccessToken, force = false }: RenewRequest): Promise<RefreshOutcome> {
    const generation = this.deps.vault.generation;
    const current = await this.deps.vault.get();
    // A request that was sent before the last refresh finished carries the old token: just retry it.
    if (!force && current && current.accessToken !== staleAccessToken) return { tokens: current };
    // The set it was sent with is gone: a refresh that failed meanwhile removed it (and already called
    // onFailedRefreshToken), or a sign-out did. Either way there is nothing to refresh and no one new to tell.
    if (!force && !current && staleAccessToken)
      throw refreshFailed('the token set was removed while the request was in flight');
    try {
      if (!current?.refreshToken) throw refreshFailed('no refresh token is stored');
      const { tokens, response } = await this.deps.grant()({
        ...current,
        refreshToken: current.refreshToken,
      });
      if (await this.deps.vault.setIfUnchanged(tokens, generation)) return { tokens, response };
      // Someone stored tokens meanwhile (sign-in, workspace switch): theirs are newer. A logout left none.
      const latest = await this.deps.vault.get();
      if (latest) return { tokens: latest, response };
      throw refreshFailed('the session was signed out while the refresh was running');
    } catch (cause) {
      return this.#recover(current, cause, force);
    }
  }

  /** Called once per failed flight, so `onFailedRefreshToken` runs once however many requests wait. */
  async #recover(current: TokenSet | null, cause: unknown, explicit: boolean): Promise<RefreshOutcome> {
    // The server refused the refresh token (expired, revoked, reused): keeping it would make every
    // later request try it again. A network failure or 5xx says nothing about the token, so keep it.
    if (cause instanceof GatehouseError && cause.status >= 400 && cause.status < 500) {
      await this.deps.vault.set(null);
    }
    if (!explicit && this.deps.onFailedRefreshToken) {
      const replacement = await this.deps.onFailedRefreshToken().catch((hookError: unknown) => {
        throw refreshFailed('onFailedRefreshToken threw', hookError);
      });
      if (typeof replacement === 'string' && replacement) {
        const tokens: TokenSet = {
          accessToken: replacement,
          ...(current?.refreshToken ? { refreshToken: current.refreshToken } : {}),
          expiresAt: jwtExpiry(replacement),
          tokenType: 'Bearer',
        };
        await this.deps.vault.set(tokens);
        return { tokens };
      }
    }
    throw refreshFailed(reasonOf(cause), cause);
  }
}

/** The one error every failed refresh ends in (SDK.md): status 401, code REFRESH_FAILED, the cause kept. */
export function refreshFailed(reason: string, cause?: unknown): GatehouseError {
  return new GatehouseError({
    status: 401,
    code: 'REFRESH_FAILED',
    message: `Failed to refresh token: ${reason}`,
    details: cause instanceof GatehouseError ? cause.details : undefined,
    cause,
  });
}

export function reasonOf(cause: unknown): string {
  if (cause instanceof GatehouseError && cause.code === 'REFRESH_FAILED') {
    return cause.message.replace(/^Failed to refresh token: /, '');
  }
  return cause instanceof Error && cause.message ? cause.message : 'unknown error';
}

function waitUnlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(abortedError(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
