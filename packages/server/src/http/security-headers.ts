import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyReply } from 'fastify';

/** Sets the fixed security headers on one reply. */
export type SecurityHeaderWriter = (reply: FastifyReply) => void;

/**
 * Computes helmet's headers for these options once, with helmet itself: a throwaway instance registers
 * @fastify/helmet and reads back what it set on the raw response before any route ran.
 */
async function probeHelmet(options: FastifyHelmetOptions): Promise<Record<string, string>> {
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
 * helmet's security headers (CSP, HSTS, X-Frame-Options, X-Content-Type-Options, …) for every response,
 * 404s and errors included. @fastify/helmet rebuilds helmet's whole middleware, CSP parsing included, on
 * every request; nothing here varies per request (no CSP nonces), so the values are computed once at
 * start-up by helmet itself and set with `reply.headers()`.
 *
 * Not faster by copying the prepared object into Fastify's own header store (`fastify.reply.headers`, which
 * an earlier version did): V8 then allocated every reply's headers, and what they held, in the old
 * generation, which grew the server by ~60 MB under load and cost more CPU in garbage collection than the
 * copy saved (docs/performance.md).
 */
export async function securityHeaderWriter(options: FastifyHelmetOptions): Promise<SecurityHeaderWriter> {
  // Answers depend on the request's Origin (CORS, http/cors.ts), also those to requests without one.
  const headers: Record<string, string> = { ...(await probeHelmet(options)), vary: 'Origin' };
  return (reply) => {
    reply.headers(headers);
  };
}
