import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { ExternalChanges } from '../storage/external-changes.js';
import { isApiRoute } from './api-route.js';
import type { CorsHandler } from './cors.js';
import { nulInUrl } from './json-body.js';
import type { SecurityHeaderWriter } from './security-headers.js';

export interface RequestDefaults {
  securityHeaders: SecurityHeaderWriter;
  cors: CorsHandler;
  /** SQLite: commits from another process (the shell), looked for once per event-loop turn; undefined on PostgreSQL. */
  externalChanges: ExternalChanges | undefined;
}

/**
 * The app's one global request hook, for what every request gets whatever route it reaches (404s
 * included): on SQLite the look for changes made from the shell (once per turn of the event loop) (storage/external-changes.ts: before any
 * cache is read, so the request after such a change sees it), the security headers, CORS when the request
 * has an `Origin` (cors.ts), and the refusal of a NUL in the URL (json-body.ts), in that order. One hook
 * rather than one per concern: each global hook is a call and a step of Fastify's hook runner on every
 * request. What depends on the route is attached to the routes themselves (route-hooks.ts).
 */
export function registerRequestDefaults(app: FastifyInstance, defaults: RequestDefaults): void {
  const { securityHeaders, cors, externalChanges } = defaults;
  app.addHook('onRequest', (request, reply, done) => {
    externalChanges?.check();
    securityHeaders(reply);
    if (request.headers.origin === undefined) return refuseNul(request, reply, done);
    // A preflight is answered by @fastify/cors here, which then never calls back.
    cors(request, reply, (error) => (error ? done(error) : refuseNul(request, reply, done)));
  });
}

function refuseNul(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void {
  const refusal = nulInUrl(request.url);
  // An `/api` route's own first hook (no-store, api-route.ts) will not run after this refusal.
  if (refusal && isApiRoute(request)) reply.header('cache-control', 'no-store');
  done(refusal);
}
