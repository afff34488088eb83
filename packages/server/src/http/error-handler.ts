import type { FastifyError, FastifyInstance } from 'fastify';
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
const FASTIFY_CLIENT_ERRORS: Record<string, [number, string, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'PAYLOAD_TOO_LARGE', 'The request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'UNSUPPORTED_MEDIA_TYPE', 'Unsupported content type'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'INVALID_JSON', 'The request body is not valid JSON'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'BAD_REQUEST', 'Invalid Content-Length'],
};

/**
 * Every error becomes `{code, message}` with the right status; nothing internal (stack, SQL, hashes) ever
 * reaches the client. Unexpected errors are logged in full and answered as a bare 500.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.headers) reply.headers(error.headers);
      return reply.status(error.status).send({ code: error.code, message: error.message, ...error.extra });
    }
    if (error.validation) {
      const errors = fieldErrors(error.validation as ValidationIssue[]);
      const where = error.validationContext ?? 'body';
      const summary = Object.entries(errors)
        .map(([field, problem]) => `${field} ${problem}`)
        .join('; ');
      return reply
        .status(400)
        .send({ code: 'VALIDATION_ERROR', message: `Invalid ${where}: ${summary}`, errors });
    }
    const known = error.code ? FASTIFY_CLIENT_ERRORS[error.code] : undefined;
    if (known) return reply.status(known[0]).send({ code: known[1], message: known[2] });
    if (error instanceof SyntaxError && error.statusCode === 400) {
      return reply.status(400).send({ code: 'INVALID_JSON', message: 'The request body is not valid JSON' });
    }
    if (isStorageUnavailable(error)) {
      // The storage layer logs an outage once when it starts and once when it ends (storage/outage.ts).
      request.log.debug({ reason: error.message }, 'storage unavailable');
      return reply
        .status(503)
        .header('retry-after', '5')
        .send({ code: 'SERVICE_UNAVAILABLE', message: 'The service is temporarily unavailable' });
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .status(error.statusCode)
        .send({ code: 'BAD_REQUEST', message: 'The request could not be processed' });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ code: 'INTERNAL_ERROR', message: 'Something went wrong on our side' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send({ code: 'NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0]}` });
  });
}
