import { Ajv, type Options } from 'ajv';
import type { FastifyInstance } from 'fastify';

const shared: Options = { allErrors: true, useDefaults: true, removeAdditional: false, strict: false };

/**
 * Two validators instead of Fastify's one. JSON bodies are typed already, so they are checked strictly: a
 * number where a string belongs is a 400 (SECURITY.md, "wrong types 400"), never silently turned into
 * "42". Query strings, path parameters and headers arrive as text, so there `?bypassAdmin=true` and
 * `?limit=20` are coerced to the boolean and number their schemas declare.
 */
export function registerValidators(app: FastifyInstance): void {
  const bodies = new Ajv({ ...shared, coerceTypes: false });
  const urlParts = new Ajv({ ...shared, coerceTypes: 'array' });
  app.setValidatorCompiler(({ schema, httpPart }) =>
    (httpPart === 'body' ? bodies : urlParts).compile(schema),
  );
}
