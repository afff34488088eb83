import type { FastifyInstance, preValidationHookHandler } from 'fastify';
import { AppError } from '../lib/errors.js';

/** Deeper than any body Gatehouse reads; free-form objects such as `metadata` have their own, lower cap. */
export const MAX_JSON_DEPTH = 32;

export const nulInText = () =>
  new AppError(400, 'VALIDATION_ERROR', 'Text must not contain NUL (\\u0000) characters');

/**
 * One pass over the raw JSON text, before it is parsed: refuses nesting deeper than MAX_JSON_DEPTH
 * (thousands of levels exhaust the stack of every recursive step after parsing: prototype-poisoning scan,
 * validation, serialisation) and a `\u0000` escape anywhere, key or value (PostgreSQL cannot store NUL in
 * text, so it would fail as a 500 far from here). Escapes are skipped in pairs, so `\\u0000` is text.
 */
function assertAcceptableJson(text: string): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 0x5c /* \ */) {
        if (text.startsWith('u0000', i + 1)) throw nulInText();
        i += 1;
      } else if (char === 0x22 /* " */) inString = false;
    } else if (char === 0x22) inString = true;
    else if (char === 0x7b /* { */ || char === 0x5b /* [ */) {
      depth += 1;
      if (depth > MAX_JSON_DEPTH)
        throw new AppError(
          400,
          'VALIDATION_ERROR',
          `The request body nests deeper than ${MAX_JSON_DEPTH} levels`,
        );
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) depth -= 1;
  }
}

/**
 * The JSON parser of every route. `content-type: application/json` with an empty body means "no body":
 * the published Qelos SDK sends exactly that on body-less actions (workspace activation, logout), which
 * Fastify's parser would refuse as invalid JSON. Anything else is checked by assertAcceptableJson and then
 * parsed by Fastify's own parser, with its prototype-poisoning protection; routes that need a body still
 * get a 400 from their schema.
 */
export function registerJsonBodyParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') return done(null, undefined);
    try {
      assertAcceptableJson(text);
    } catch (error) {
      return done(error as AppError, undefined);
    }
    parseJson(request, text, done);
  });
}

/**
 * A NUL in the path or query string (`%00`) is refused for every route before any routing work is done:
 * nothing legitimate carries one, and it would reach the database as a parameter or a search term. Checked
 * by the app's one request hook (http/request-defaults.ts).
 */
export function nulInUrl(url: string): AppError | undefined {
  return url.includes('%00') ? nulInText() : undefined;
}

/**
 * Form bodies (`application/x-www-form-urlencoded`, decoded by @fastify/formbody) are checked for NUL like
 * URLs, once parsed: a hook of each route that can have a body (http/route-hooks.ts; Fastify parses no body
 * for GET and HEAD).
 */
export const nulInFormBody: preValidationHookHandler = (request, _reply, done) => {
  const form = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded');
  done(form && request.body && formHasNul(request.body as Record<string, unknown>) ? nulInText() : undefined);
};

/**
 * A field's value is a string, or an array of them when the field repeats. A plain loop: every OAuth token
 * and introspection request passes here; `Object.values(…).flat().some(…)` cost ~1 µs per four-field form
 * against ~0.2 µs for this loop (a micro-benchmark on this machine).
 */
function formHasNul(fields: Record<string, unknown>): boolean {
  for (const key in fields) {
    const value = fields[key];
    if (Array.isArray(value)) {
      for (const item of value) if (String(item).includes('\u0000')) return true;
    } else if (String(value).includes('\u0000')) return true;
  }
  return false;
}
