import cors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/**
 * CORS by @fastify/cors, run only for requests that carry an `Origin` header. Browsers send `Origin` on
 * every cross-origin request and every preflight, so a request without one (a server, a script, a
 * same-origin GET) has nothing for CORS to answer; @fastify/cors would still merge its options, resolve the
 * origin and set three headers on it, which the benchmark's profile put at ~6% of an authenticated GET
 * /api/me. `Vary: Origin`, which caches need either way, is part of the fixed headers (security-headers.ts).
 *
 * The plugin is given the app with one change: each hook it adds is skipped when `Origin` is absent.
 */
export async function registerCors(app: FastifyInstance, options: FastifyCorsOptions): Promise<void> {
  const addHook = app.addHook.bind(app) as (name: string, hook: unknown) => FastifyInstance;
  const gated = new Proxy(app, {
    get(target, property) {
      if (property === 'addHook')
        return (name: string, hook: (...args: unknown[]) => void) =>
          addHook(name, function withOrigin(...args: unknown[]) {
            const request = args[0] as { headers: Record<string, unknown> };
            // The last argument is the hook's `done`.
            if (request.headers['origin'] === undefined) return (args.at(-1) as () => void)();
            return hook(...args);
          });
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
    )(gated, options, (error) => (error ? reject(error) : resolve()));
  });
}
