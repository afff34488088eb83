import { createHash } from 'node:crypto';
import { GatehouseAuthError, type GatehousePrincipal } from './principal.js';

export interface SessionCheckOptions {
  /** Where the backend reaches Gatehouse, e.g. `http://localhost:3000` or an internal address. */
  appUrl: string;
  /**
   * How long (seconds) a confirmed session is trusted without asking again; default 5. A sign-out or a
   * revoked session is seen at most this late. 0 asks every time.
   */
  cacheSeconds?: number;
  /** Replaces `fetch` (tests, proxies). */
  fetch?: typeof fetch;
}

/** Gatehouse's session cookie, with or without the `__Host-` prefix it gets on HTTPS. */
const SESSION_COOKIE = /^(__Host-)?gatehouse_session$/;

/** The most confirmed sessions kept; the oldest go first. */
const MAX_ENTRIES = 10_000;

interface UserView {
  _id: string;
  email?: string;
  roles?: string[];
  workspace?: { _id: string; roles?: string[] } | null;
}

/**
 * Checks a cookie session with Gatehouse, for a backend on the same site as Gatehouse (the browser sends
 * it Gatehouse's cookie: same host, any port, or a shared parent domain). Only Gatehouse's own cookie is
 * forwarded, never the app's others. Confirmed sessions are cached briefly (keyed by a hash of the cookie);
 * refusals are never cached, so a new sign-in works at once.
 */
export class SessionChecker {
  readonly #meUrl: URL;
  readonly #ttlMs: number;
  readonly #fetch: typeof fetch;
  readonly #cache = new Map<string, { principal: GatehousePrincipal; until: number }>();
  readonly #inFlight = new Map<string, Promise<GatehousePrincipal>>();

  constructor(options: SessionCheckOptions) {
    this.#meUrl = new URL('/api/me', options.appUrl);
    this.#ttlMs = (options.cacheSeconds ?? 5) * 1000;
    this.#fetch = options.fetch ?? fetch;
  }

  /** Gatehouse's session cookie from a `Cookie` header, as `name=value`; undefined without one. */
  static sessionCookie(cookieHeader: string | undefined): string | undefined {
    for (const part of (cookieHeader ?? '').split(';')) {
      const [name = '', ...value] = part.trim().split('=');
      if (SESSION_COOKIE.test(name) && value.length > 0) return `${name}=${value.join('=')}`;
    }
    return undefined;
  }

  /** The principal of the session in `cookieHeader`; throws GatehouseAuthError 401 without a live one. */
  async check(cookieHeader: string | undefined): Promise<GatehousePrincipal> {
    const cookie = SessionChecker.sessionCookie(cookieHeader);
    if (!cookie) throw new GatehouseAuthError(401, 'UNAUTHORIZED', 'Sign in first');
    const key = createHash('sha256').update(cookie).digest('base64url');
    const cached = this.#cache.get(key);
    if (cached && cached.until > Date.now()) return cached.principal;
    this.#cache.delete(key);
    // Concurrent requests of one user share one question to Gatehouse.
    let pending = this.#inFlight.get(key);
    if (!pending) {
      pending = this.#ask(cookie).finally(() => this.#inFlight.delete(key));
      this.#inFlight.set(key, pending);
    }
    const principal = await pending;
    if (this.#ttlMs > 0) {
      if (this.#cache.size >= MAX_ENTRIES) this.#cache.delete(this.#cache.keys().next().value as string);
      this.#cache.set(key, { principal, until: Date.now() + this.#ttlMs });
    }
    return principal;
  }

  /** Forgets every cached session (e.g. after your app signs a user out). */
  clear(): void {
    this.#cache.clear();
  }

  async #ask(cookie: string): Promise<GatehousePrincipal> {
    const response = await this.#fetch(this.#meUrl, {
      headers: { cookie, accept: 'application/json' },
      redirect: 'manual',
    });
    if (response.status === 401 || response.status === 403) {
      throw new GatehouseAuthError(401, 'UNAUTHORIZED', 'The session has ended: sign in again');
    }
    if (!response.ok) throw new Error(`Gatehouse answered ${response.status} to the session check`);
    const user = (await response.json()) as UserView;
    return {
      kind: 'session',
      userId: user._id,
      roles: user.roles ?? [],
      scopes: [],
      workspaceId: user.workspace?._id ?? null,
      workspaceRoles: user.workspace?.roles ?? [],
      clientId: null,
      email: user.email ?? null,
      expiresAt: null,
    };
  }
}
