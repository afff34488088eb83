import { type CookieSerializeOptions, fastifyCookie } from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// The parser and serializer @fastify/cookie itself uses (the `cookie` package), and its types: the
// `request.cookies`, `reply.setCookie` and `reply.clearCookie` that features/ use are declared by it.
const { parse, serialize } = fastifyCookie;

const kParsed = Symbol('gatehouse.cookies');
const kSetCookies = Symbol('gatehouse.setCookies');
const kWritten = Symbol('gatehouse.setCookieHeaders');

interface CookieRequest {
  [kParsed]: Record<string, string | undefined> | null;
}

interface CookieReply {
  /** Serialized Set-Cookie values by `name;domain;path`: setting one again replaces it, as in @fastify/cookie. */
  [kSetCookies]: Map<string, string> | null;
  /** The values this module last put in the Set-Cookie header, to replace them (and only them) next time. */
  [kWritten]: string[] | null;
}

function cookiesOf(request: FastifyRequest): Record<string, string | undefined> {
  const slots = request as unknown as CookieRequest;
  const cached = slots[kParsed];
  if (cached !== null) return cached;
  const header = request.raw.headers.cookie;
  // A new object per request, as @fastify/cookie gives (its issue #53).
  const parsed: Record<string, string | undefined> = header ? parse(header) : {};
  slots[kParsed] = parsed;
  return parsed;
}

function setCookie(
  reply: FastifyReply,
  name: string,
  value: string,
  options: CookieSerializeOptions = {},
): FastifyReply {
  // @fastify/cookie's defaults and conversions, without signing (no secret is configured, as before).
  const opts = { sameSite: 'lax' as const, ...options };
  if (opts.signed) throw new Error('signed cookies are not configured');
  if (typeof opts.expires === 'number' && Number.isInteger(opts.expires))
    opts.expires = new Date(opts.expires);
  const secure = opts.secure === 'auto' ? reply.request.protocol === 'https' : opts.secure;
  const slots = reply as unknown as CookieReply;
  const pending = slots[kSetCookies] ?? new Map<string, string>();
  slots[kSetCookies] = pending;
  pending.set(`${name};${opts.domain};${opts.path || '/'}`, serialize(name, value, { ...opts, secure }));

  // The header is rewritten at once (rather than by an onSend hook on every response): any Set-Cookie set
  // by other means first, then every cookie set here in order, one string when there is only one.
  const current = reply.getHeader('set-cookie');
  const written = slots[kWritten] ?? [];
  const others = (current === undefined ? [] : [current].flat().map(String)).filter(
    (header) => !written.includes(header),
  );
  const values = [...others, ...pending.values()];
  slots[kWritten] = [...pending.values()];
  reply.removeHeader('set-cookie');
  reply.header('set-cookie', values.length === 1 ? values[0] : values);
  return reply;
}

/**
 * Cookies, parsed only on the requests that read them. @fastify/cookie parses the Cookie header of every
 * request in a global hook, gives every reply a Map, and runs a second global hook on every response to
 * write the Set-Cookie header; only the session authenticator (on `/api` routes, and only until a
 * credential found earlier decides), the sign-in and sign-out routes, the OAuth authorization flow and the
 * social login read or set cookies. Here `request.cookies` is parsed on its first read, and
 * `reply.setCookie` writes the header when it is called. Parsing, serialization, the `SameSite=Lax` default,
 * replacing a cookie set twice (same name, domain and path) and `clearCookie` are @fastify/cookie's.
 */
export function registerCookies(app: FastifyInstance): void {
  app.decorateRequest(kParsed, null);
  app.decorateRequest('cookies', {
    getter(this: FastifyRequest) {
      return cookiesOf(this);
    },
  });
  app.decorateReply(kSetCookies, null);
  app.decorateReply(kWritten, null);
  app.decorateReply(
    'setCookie',
    function (this: FastifyReply, name: string, value: string, options?: CookieSerializeOptions) {
      return setCookie(this, name, value, options);
    },
  );
  app.decorateReply(
    'cookie',
    function (this: FastifyReply, name: string, value: string, options?: CookieSerializeOptions) {
      return setCookie(this, name, value, options);
    },
  );
  app.decorateReply(
    'clearCookie',
    function (this: FastifyReply, name: string, options?: CookieSerializeOptions) {
      return setCookie(this, name, '', {
        path: '/',
        ...options,
        expires: new Date(0),
        maxAge: 0,
        signed: false,
      });
    },
  );
}
