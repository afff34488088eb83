import type { FastifyRequest, onRequestHookHandler } from 'fastify';

/** Whether a route, by the URL it was registered with, is one of the `/api` routes. */
export function isApiUrl(routeUrl: string | undefined): boolean {
  return routeUrl?.startsWith('/api/') === true;
}

/**
 * Whether the request reached one of the `/api` routes, decided by the route the router matched and never
 * by the URL as typed: the router ignores case, trailing and duplicate slashes (app.ts), so `/API//me/` is
 * `/api/me` and must be authenticated, throttled and answered exactly like it. Undefined for a 404.
 */
export function isApiRoute(request: FastifyRequest): boolean {
  return isApiUrl(request.routeOptions.url);
}

/**
 * `Cache-Control: no-store` on every `/api` answer, errors included: they carry personal data (profile,
 * sessions, members, tokens) that no shared or browser cache may keep (OWASP ASVS 5.0 V14.3, RFC 9111
 * §5.2.2.5). The first request hook of every `/api` route (http/route-hooks.ts), so it is set before the
 * body is read and before the handler runs: a route that wants another policy simply sets its own. An
 * error the app's request hook raises before it (http/request-defaults.ts) sets it there.
 */
export const noStore: onRequestHookHandler = (_request, reply, done) => {
  reply.header('cache-control', 'no-store');
  done();
};
