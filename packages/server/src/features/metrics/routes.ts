import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../lib/errors.js';
import type { PrometheusMetrics } from './prometheus.js';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * `GET /metrics` in the Prometheus text format, only when GATEHOUSE_METRICS_TOKEN is set, and only to a
 * scraper presenting it as a bearer token (Prometheus: `authorization: { credentials_file: … }`). Like
 * Keycloak (`KC_METRICS_ENABLED`, off by default) and Ory (metrics on the admin port), it is off unless
 * asked for: request counts, sign-in outcomes and pool sizes tell an attacker how an attack is going.
 *
 * Per request it costs one Map lookup and a bucket search (request-durations.ts), in the onResponse hook registered
 * here (and nothing at all with metrics off: buildApp does not call this). Registered on the root app before
 * the features, so the hook sees every route.
 */
export function registerMetrics(
  app: FastifyInstance,
  { metrics, token }: { metrics: PrometheusMetrics; token: string },
): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(
      request.method,
      request.routeOptions.url,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });

  const expected = digest(`Bearer ${token}`);
  app.get(
    '/metrics',
    { schema: { hide: true }, config: { authentication: 'none' } },
    async (request, reply) => {
      // Hashes compared, so the comparison takes the same time whatever the length of what was sent.
      if (!timingSafeEqual(digest(request.headers.authorization ?? ''), expected)) {
        throw new AppError(401, 'UNAUTHORIZED', 'Send the metrics token as a bearer token', undefined, {
          'www-authenticate': 'Bearer realm="metrics"',
        });
      }
      reply.header('cache-control', 'no-store').type(metrics.registry.contentType);
      return metrics.registry.metrics();
    },
  );
}
