import { Ajv, type Options, type ValidateFunction } from 'ajv';
import type { FastifyInstance } from 'fastify';

const shared: Options = { allErrors: true, useDefaults: true, removeAdditional: false, strict: false };

/** Levels of objects and arrays below (and including) `value`. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  let deepest = 0;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child));
  return deepest + 1;
}

/** An Ajv keyword check that reports `message` (not Ajv's generic "must pass … validation") on failure. */
type Check = ((max: number, data: unknown) => boolean) & { errors?: Array<{ message: string }> };

function check(holds: (max: number, data: unknown) => boolean, problem: (max: number) => string): Check {
  const validate: Check = (max, data) => {
    const ok = holds(max, data);
    validate.errors = ok ? [] : [{ message: problem(max) }];
    return ok;
  };
  return validate;
}

/**
 * Caps for free-form JSON (`metadata`): `maxDepth` levels of nesting and `maxBytes` of JSON text, declared
 * in the schema next to the field (`Type.Record(…, { maxDepth: 8, maxBytes: 16384 })`). The JSON parser
 * already refuses bodies nested deeper than MAX_JSON_DEPTH, so the recursion here is bounded. Each names
 * its cap in the 400 (`metadata: nests deeper than 8 levels`), so a client knows what to shorten.
 */
function addFreeFormKeywords(ajv: Ajv): void {
  ajv.addKeyword({
    keyword: 'maxDepth',
    schemaType: 'number',
    errors: true,
    validate: check(
      (max, data) => depthOf(data) <= max,
      (max) => `nests deeper than ${max} levels`,
    ),
  });
  ajv.addKeyword({
    keyword: 'maxBytes',
    schemaType: 'number',
    errors: true,
    validate: check(
      (max, data) => Buffer.byteLength(JSON.stringify(data) ?? '') <= max,
      (max) => `is larger than ${max} bytes of JSON`,
    ),
  });
}

/**
 * Two validators instead of Fastify's one. JSON bodies are typed already, so they are checked strictly: a
 * number where a string belongs is a 400 (SECURITY.md, "wrong types 400"), never silently turned into
 * "42". Query strings, path parameters and headers arrive as text, so there `?bypassAdmin=true` and
 * `?limit=20` are coerced to the boolean and number their schemas declare.
 */
export function registerValidators(app: FastifyInstance): void {
  let bodies: Ajv | undefined;
  let urlParts: Ajv | undefined;
  const ajvFor = (httpPart: string | undefined): Ajv => {
    if (httpPart === 'body') {
      if (!bodies) {
        bodies = new Ajv({ ...shared, coerceTypes: false });
        addFreeFormKeywords(bodies);
      }
      return bodies;
    }
    urlParts ??= new Ajv({ ...shared, coerceTypes: 'array' });
    return urlParts;
  };
  app.setValidatorCompiler(({ schema, httpPart }) => lazily(() => ajvFor(httpPart).compile(schema)));
}

/** What Fastify calls: Ajv's function, or one that stands in for it until its first use. */
type Validator = ((data: unknown, context?: object) => boolean) & {
  errors?: ValidateFunction['errors'];
  schemaEnv?: unknown;
};

/**
 * Compiles a route's validator at its first request rather than at start-up: ~200 routes' generated code is
 * several MB of heap, and most servers only ever see a fraction of their routes (docs/performance.md).
 * `schemaEnv` is set so Fastify passes the parent data, which Ajv needs to coerce a root value, as it does
 * for Ajv's own functions; `errors` is copied from the compiled function after each call, as Fastify reads it.
 */
function lazily(compile: () => ValidateFunction): Validator {
  let compiled: ValidateFunction | undefined;
  const validate: Validator = (data, context) => {
    compiled ??= compile();
    const valid = compiled(data, context as Parameters<ValidateFunction>[1]);
    validate.errors = compiled.errors;
    return valid as boolean;
  };
  validate.schemaEnv = true;
  return validate;
}
