import type { FastifyInstance } from 'fastify';
import { redactUrl } from './logging.js';

/**
 * One access-log line per request, written when the response is sent. Fastify's own request logging writes
 * two (received, completed); at the default `info` level those two lines cost as much as a whole credential
 * check (issue 16), so they are off (`disableRequestLogging` in app.ts) and this single line replaces them.
 * The URL is redacted the same way the `req` serializer redacts it; headers are not logged at all.
 */
export function registerAccessLog(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    request.log.info(
      {
        method: request.method,
        url: redactUrl(request.url),
        route: request.routeOptions.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 10) / 10,
      },
      'request',
    );
    done();
  });
}
