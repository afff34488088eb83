import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Whether the request reached one of the `/api` routes, decided by the route the router matched and never
 * by the URL as typed: the router ignores case, trailing and duplicate slashes (app.ts), so `/API//me/` is
 * `/api/me` and must be authenticated, throttled and answered exactly like it. Undefined for a 404.
 */
export function isApiRoute(request: FastifyRequest): boolean {
  return request.routeOptions.url?.startsWith('/api/') === true;
}

/**
 * `Cache-Control: no-store` on every `/api` answer, errors included: they carry personal data (profile,
 * sessions, members, tokens) that no shared or browser cache may keep (OWASP ASVS 5.0 V14.3, RFC 9111
 * §5.2.2.5). Set before the handler runs, so a route that wants another policy simply sets its own.
 */
export function registerNoStore(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    if (isApiRoute(request)) reply.header('cache-control', 'no-store');
    done();
  });
}
