import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';

/**
 * Computes helmet's headers for these options once, with helmet itself: a throwaway instance registers
 * @fastify/helmet and reads back what it set on the raw response before any route ran.
 */
async function helmetHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false });
  await probe.register(helmet, options);
  let headers: Record<string, string> = {};
  probe.get('/', async (_request, reply) => {
    headers = Object.fromEntries(
      Object.entries(reply.raw.getHeaders()).map(([name, value]) => [name, String(value)]),
    );
    return '';
  });
  await probe.inject('/');
  await probe.close();
  if (!headers['content-security-policy']) throw new Error('helmet set no Content-Security-Policy');
  return headers;
}

/**
 * helmet's security headers (CSP, HSTS, X-Frame-Options, X-Content-Type-Options, …) on every response,
 * 404s and errors included. @fastify/helmet rebuilds helmet's whole middleware, CSP parsing included, on
 * every request: the benchmark measured that at more CPU than the rest of an authenticated GET /api/me
 * (docs/performance.md). Nothing here varies per request (no CSP nonces), so the same values are computed
 * once at start-up by helmet itself and set with one call per response.
 */
export async function registerSecurityHeaders(
  app: FastifyInstance,
  options: FastifyHelmetOptions,
): Promise<void> {
  // Answers depend on the request's Origin (CORS, http/cors.ts), also those to requests without one.
  const headers = { ...(await helmetHeaders(options)), vary: 'Origin' };
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
}
