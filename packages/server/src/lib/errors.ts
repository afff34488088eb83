import { type CodeWithStatus, ERROR_CODES, type ErrorCode, type StatusOf } from './error-codes.js';

/**
 * The one error type routes and services throw. `code` is the UPPER_SNAKE value clients switch on, one of
 * the registry's (lib/error-codes.ts) with one of its statuses (checked at compile time); `message` is
 * public and defaults to the registry's. Anything that is not an AppError becomes a 500 INTERNAL_ERROR
 * whose detail is only logged (see http/error-handler.ts).
 */
export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  /** Why, for the log only (never sent): e.g. which JWT check failed behind a plain invalid_token. */
  reason?: string;

  constructor(
    readonly status: StatusOf<C>,
    readonly code: C,
    message: string = ERROR_CODES[code].message,
    /** Extra public fields merged into the body, e.g. `{ errors: { email: '…' } }`. */
    readonly extra?: Record<string, unknown>,
    /** Response headers, e.g. Retry-After or WWW-Authenticate. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** Attaches a private reason, logged by the error handler and never answered. */
  because(reason: string): this {
    this.reason = reason;
    return this;
  }
}

export const badRequest = (message: string, errors?: Record<string, string>) =>
  new AppError(400, 'VALIDATION_ERROR', message, errors ? { errors } : undefined);

export const unauthorized = (
  message = 'Authentication required',
  code: CodeWithStatus<401> = 'UNAUTHORIZED',
) => new AppError(401, code, message);

/** RFC 6750 §3: a bad bearer credential answers with WWW-Authenticate error="invalid_token". */
export const invalidToken = (message = 'The access token is invalid or expired', reason?: string) => {
  const error = new AppError(401, 'INVALID_TOKEN', message, undefined, {
    'www-authenticate': `Bearer error="invalid_token", error_description="${message}"`,
  });
  if (reason) error.because(reason);
  return error;
};

export const forbidden = (
  message = 'You are not allowed to do this',
  code: CodeWithStatus<403> = 'FORBIDDEN',
) => new AppError(403, code, message);

export const notFound = (message = 'Not found') => new AppError(404, 'NOT_FOUND', message);

export const conflict = (message: string, code: CodeWithStatus<409> = 'CONFLICT') =>
  new AppError(409, code, message);

export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many attempts, try again later') =>
  new AppError(429, 'TOO_MANY_REQUESTS', message, undefined, {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });
