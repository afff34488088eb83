import type { CookieSerializeOptions } from '@fastify/cookie';
import type { Config } from '../../config/load.js';

/**
 * `__Host-` on HTTPS: the browser then refuses the cookie unless it is Secure, has Path=/ and no Domain, so
 * a sibling subdomain cannot plant or overwrite it. On plain-HTTP development URLs the prefix (and Secure)
 * would make browsers drop the cookie, so both are off there.
 */
export function sessionCookieName(config: Config): string {
  return config.secureCookies ? '__Host-gatehouse_session' : 'gatehouse_session';
}

export function sessionCookieOptions(config: Config, maxAgeSeconds?: number): CookieSerializeOptions {
  return {
    httpOnly: true,
    secure: config.secureCookies,
    sameSite: 'lax',
    path: '/',
    ...(maxAgeSeconds !== undefined && { maxAge: maxAgeSeconds }),
  };
}
