import type { FastifyReply, FastifyRequest } from 'fastify';
import { sha256 } from '../../lib/crypto.js';
import { STATE_TTL_SECONDS } from './login.js';

/**
 * Logins one browser may have under way at once. Starting one more when this many are in flight abandons
 * them (their cookies are cleared, their callbacks answer 400 `INVALID_STATE`): a browser that starts logins
 * without finishing them cannot grow its Cookie header without bound. The count is what the request carries,
 * so logins started at the same instant do not see one another: a burst of k may leave up to 5 + k cookies
 * for a moment, and the next start clears them all. A clear only ever names cookies its own request carried,
 * so no login of a burst abandons a sibling.
 */
export const MAX_LOGINS_IN_FLIGHT = 5;

/**
 * The cookies binding a social login's upstream `state` to the browser that started it (SECURITY.md,
 * "Social"). One cookie per login, named after the state's hash, so that logins started in two tabs at
 * once coexist: neither overwrites the other's cookie, and each callback finds (and spends) only its own.
 * A callback completes only the flow whose state it carries: the state row in the database holds that
 * flow's provider, return URL, application state and linking intent.
 *
 * On HTTPS the name carries the `__Host-` prefix, which browsers accept only with `Secure`, `Path=/` and
 * no `Domain`: no sibling subdomain can plant or overwrite it. On plain http (a development server, the
 * tests on http://127.0.0.1) `Secure` would be refused by some browsers, so the prefix and `Secure` are
 * dropped there, as for the session cookie.
 */
export class StateCookies {
  readonly prefix: string;
  readonly #options;

  constructor(secure: boolean) {
    this.prefix = secure ? '__Host-gatehouse_social_state_' : 'gatehouse_social_state_';
    this.#options = { httpOnly: true, secure, sameSite: 'lax' as const, path: '/' };
  }

  /** The cookie of the login whose upstream state is `state`. */
  nameFor(state: string): string {
    return `${this.prefix}${sha256(state).slice(0, 16)}`;
  }

  /** Binds a new login to this browser. Lax: the cookie comes back on the provider's top-level redirect. */
  issue(request: FastifyRequest, reply: FastifyReply, state: string): void {
    const inFlight = Object.keys(request.cookies).filter((name) => name.startsWith(this.prefix));
    if (inFlight.length >= MAX_LOGINS_IN_FLIGHT)
      for (const name of inFlight) reply.clearCookie(name, this.#options);
    reply.setCookie(this.nameFor(state), state, { ...this.#options, maxAge: STATE_TTL_SECONDS });
  }

  /** The value of the cookie for the callback's state, which is spent whatever happens next. */
  take(request: FastifyRequest, reply: FastifyReply, queryState: string | null): string | undefined {
    if (!queryState) return undefined;
    const name = this.nameFor(queryState);
    const value = request.cookies[name];
    if (value !== undefined) reply.clearCookie(name, this.#options);
    return value;
  }
}
