import type { FastifyInstance } from 'fastify';

/**
 * `content-type: application/json` with an empty body means "no body", on every route. The published
 * Qelos SDK sends exactly that on body-less actions (workspace activation, logout); Fastify's parser would
 * refuse it as invalid JSON. Anything non-empty goes through Fastify's own parser, with its
 * prototype-poisoning protection; routes that need a body still get a 400 from their schema.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') return done(null, undefined);
    parseJson(request, text, done);
  });
}
