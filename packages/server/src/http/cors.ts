import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/** @fastify/cors's request handling, for the one request hook (http/request-defaults.ts) to call. */
export type CorsHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
) => void;

/**
 * CORS by @fastify/cors, run only for requests that carry an `Origin` header. Browsers send `Origin` on
 * every cross-origin request and every preflight, so a request without one (a server, a script, a
 * same-origin GET) has nothing for CORS to answer; @fastify/cors would still merge its options, resolve the
 * origin and set three headers on it, which the benchmark's profile put at ~6% of an authenticated GET
 * /api/me. `Vary: Origin`, which caches need either way, is part of the fixed headers (security-headers.ts).
 *
 * The plugin is registered on the app as usual (its preflight route, its request decorator) except for its
 * request hook: that is handed back here instead of being added, and the app's one request hook calls it when
 * an `Origin` is present (every global hook costs every request a call, even one that returns at once).
 */
export async function registerCors(app: FastifyInstance, options: FastifyCorsOptions): Promise<CorsHandler> {
  const handlers: CorsHandler[] = [];
  const capturing = new Proxy(app, {
    get(target, property) {
      if (property === 'addHook')
        return (name: string, hook: CorsHandler) => {
          if (name !== 'onRequest') throw new Error(`@fastify/cors added an unexpected ${name} hook`);
          handlers.push(hook);
          return capturing;
        };
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  await new Promise<void>((resolve, reject) => {
    (
      cors as unknown as (
        app: FastifyInstance,
        options: FastifyCorsOptions,
        done: (error?: Error) => void,
      ) => void
    )(capturing, options, (error) => (error ? reject(error) : resolve()));
  });
  const [handler] = handlers;
  if (!handler || handlers.length !== 1) throw new Error('@fastify/cors added no single request hook');
  return handler;
}
