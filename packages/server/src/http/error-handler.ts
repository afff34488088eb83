import type { FastifyError, FastifyInstance, preValidationHookHandler } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../lib/error-codes.js';
import { AppError } from '../lib/errors.js';
import { isStorageUnavailable } from '../storage/database.js';

interface ValidationIssue {
  instancePath?: string;
  params?: Record<string, unknown>;
  message?: string;
}

/** ajv issues → `{ field: message }`, the `errors` object of HTTP-API.md's 400 body. */
function fieldErrors(issues: readonly ValidationIssue[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const missing = issue.params?.['missingProperty'];
    const extra = issue.params?.['additionalProperty'];
    const path = issue.instancePath?.replace(/^\//, '').replaceAll('/', '.');
    const field = String(missing ?? extra ?? (path || 'body'));
    errors[field] ??= extra ? 'is not allowed' : missing ? 'is required' : (issue.message ?? 'is invalid');
  }
  return errors;
}

/** Fastify's own client errors, mapped to documented codes with messages that never echo the input. */
const FASTIFY_CLIENT_ERRORS: Record<string, [number, ErrorCode, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE', ERROR_CODES.PAYLOAD_TOO_LARGE.message],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', ERROR_CODES.UNSUPPORTED_MEDIA_TYPE.message],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'INVALID_JSON', ERROR_CODES.INVALID_JSON.message],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'Invalid Content-Length'],
};

/** The body of an error answer: a registered code and its public message. */
const body = (code: ErrorCode, message: string = ERROR_CODES[code].message) => ({ code, message });

/**
 * Every error becomes `{code, message}` with the right status; nothing internal (stack, SQL, hashes) ever
 * reaches the client. Unexpected errors are logged in full and answered as a bare 500.
 */
export function registerErrorHandler(
  app: FastifyInstance,
  notFound: { preValidation: preValidationHookHandler },
): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      // The private reason (e.g. which JWT check failed) helps an operator; the client sees only the code.
      if (error.reason) request.log.info({ code: error.code, reason: error.reason }, 'request refused');
      if (error.headers) reply.headers(error.headers);
      return reply.status(error.status).send({ code: error.code, message: error.message, ...error.extra });
    }
    if (error.validation) {
      const errors = fieldErrors(error.validation as ValidationIssue[]);
      const where = error.validationContext ?? 'body';
      const summary = Object.entries(errors)
        .map(([field, problem]) => `${field} ${problem}`)
        .join('; ');
      return reply.status(400).send({ ...body('VALIDATION_ERROR', `Invalid ${where}: ${summary}`), errors });
    }
    const known = error.code ? FASTIFY_CLIENT_ERRORS[error.code] : undefined;
    if (known) return reply.status(known[0]).send(body(known[1], known[2]));
    if (error instanceof SyntaxError && error.statusCode === 400) {
      return reply.status(400).send(body('INVALID_JSON'));
    }
    if (isStorageUnavailable(error)) {
      // The storage layer logs an outage once when it starts and once when it ends (storage/outage.ts).
      request.log.debug({ reason: error.message }, 'storage unavailable');
      return reply.status(503).header('retry-after', '5').send(body('SERVICE_UNAVAILABLE'));
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.status(error.statusCode).send(body('BAD_REQUEST'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(body('INTERNAL_ERROR'));
  });

  // An unknown route still refuses a form body with a NUL (json-body.ts) before it answers 404.
  app.setNotFoundHandler({ preValidation: notFound.preValidation }, (request, reply) => {
    reply.status(404).send(body('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
