import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { redactUrl } from './logging.js';

/**
 * One access-log line per request, written when the response is sent. Fastify's own request logging writes
 * two (received, completed); at the default `info` level those two lines cost as much as a whole credential
 * check (issue 16), so they are off (`disableRequestLogging` in app.ts) and this single line replaces them.
 * The URL is redacted the same way the `req` serializer redacts it; headers are not logged at all.
 *
 * `log` is the access logger (`accessLoggerOptions`): the same destination and level as the app's logger,
 * without pino's redaction pass, which the line does not need (every field is built here, the URL already
 * redacted) and which cost more than the rest of writing the line (docs/performance.md).
 */
export function registerAccessLog(app: FastifyInstance, log: Logger): void {
  // Below `info` (e.g. `warn`) the line is never written: no hook at all.
  if (!log.isLevelEnabled('info')) return;
  app.addHook('onResponse', (request, reply, done) => {
    log.info(
      {
        reqId: request.id,
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
