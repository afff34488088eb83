import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { redactUrl } from './logging.js';

/** Where the access line goes: the app logger's destination and level (app.ts). */
export interface AccessLogTarget {
  level: string;
  stream: { write(line: string): void };
}

/** The fields pino puts first in every line (`level`, `time`, its default `base` bindings `pid` and `hostname`). */
const INFO = pino.levels.values['info'] ?? 30;
const BINDINGS = `,"pid":${process.pid},"hostname":${JSON.stringify(hostname())}`;

/**
 * One access-log line per request, written when the response is sent. Fastify's own request logging writes
 * two (received, completed); at the default `info` level those two lines cost as much as a whole credential
 * check (issue 16), so they are off (`disableRequestLogging` in app.ts) and this single line replaces them.
 * The URL is redacted the same way the `req` serializer redacts it; headers are not logged at all.
 *
 * The line is the one pino would write for `log.info({ reqId, method, url, route, status, ms }, 'request')`,
 * field for field, but put together here: every field is known and already safe (the URL redacted), so pino's
 * generic pass over the object (serializer and redaction look-ups, per-key stringifiers, the level's
 * formatter) is work the line does not need — it was about 40% of what writing the line cost
 * (docs/performance.md). Strings go through JSON.stringify, so no value can break out of its field.
 */
export function registerAccessLog(app: FastifyInstance, target: AccessLogTarget | undefined): void {
  // Below `info` (e.g. `warn`, `silent`) the line is never written: no hook at all.
  const level = target && pino.levels.values[target.level];
  if (!target || level === undefined || level > INFO) return;
  const { stream } = target;
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url;
    stream.write(
      `{"level":${INFO},"time":${Date.now()}${BINDINGS},"reqId":${JSON.stringify(request.id)}` +
        `,"method":${JSON.stringify(request.method)},"url":${JSON.stringify(redactUrl(request.url))}` +
        // A request that matched no route (404) has no route pattern: the field is left out, as pino would.
        (route === undefined ? '' : `,"route":${JSON.stringify(route)}`) +
        `,"status":${reply.statusCode},"ms":${Math.round(reply.elapsedTime * 10) / 10},"msg":"request"}\n`,
    );
    done();
  });
}
