import type { FastifyInstance, onRequestHookHandler, preValidationHookHandler, RouteOptions } from 'fastify';
import type { AuthConfigService } from '../features/auth-config/service.js';
import { isApiUrl, noStore } from './api-route.js';
import type { Authenticator } from './auth-context.js';
import { authenticationHook } from './authenticate.js';
import { nulInFormBody } from './json-body.js';
import { secondFactorPolicyHook } from './second-factor-policy.js';

export interface RouteHookDeps {
  authenticators: readonly Authenticator[];
  authConfig: AuthConfigService;
}

/** Methods whose requests Fastify never reads a body for. */
const BODYLESS = new Set(['GET', 'HEAD', 'TRACE']);

function asList<T>(hooks: T | T[] | undefined): T[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}

/**
 * What every `/api` route does before its handler (no-store, authentication, the second-factor policy) and
 * the NUL check of form bodies, attached to each route as it is registered rather than run as global hooks:
 * a global hook runs on every request and had to ask, each time, which route the request reached
 * (`request.routeOptions`, which Fastify builds afresh on every read) only to do nothing on most of them.
 * Decided here once per route, from the URL the route was registered with (never the URL as typed, see
 * api-route.ts). They run before the route's own hooks of the same kind, as the global hooks did.
 *
 * Registered before any route (app.ts): a route added earlier would miss them.
 */
export function registerRouteHooks(app: FastifyInstance, deps: RouteHookDeps): void {
  const strict = authenticationHook(deps.authenticators, undefined);
  const lenient = authenticationHook(deps.authenticators, 'lenient');
  const secondFactorPolicy = secondFactorPolicyHook(deps.authConfig);
  app.addHook('onRoute', (route: RouteOptions) => {
    const preValidation: preValidationHookHandler[] = [];
    // Form bodies (the OAuth endpoints) on any route that can have a body; a 404 checks them too (app.ts).
    if (asList(route.method).some((method) => !BODYLESS.has(method))) preValidation.push(nulInFormBody);
    if (isApiUrl(route.url)) {
      route.onRequest = [noStore, ...asList<onRequestHookHandler>(route.onRequest)];
      const mode = route.config?.authentication;
      if (mode !== 'none') {
        preValidation.push(mode === 'lenient' ? lenient : strict);
        if (!route.config?.allowWithoutSecondFactor) preValidation.push(secondFactorPolicy);
      }
    }
    if (preValidation.length > 0)
      route.preValidation = [...preValidation, ...asList<preValidationHookHandler>(route.preValidation)];
  });
}
