/**
 * The one error type routes and services throw. `code` is the UPPER_SNAKE value clients switch on;
 * `message` is public. Anything that is not an AppError becomes a 500 INTERNAL_ERROR whose detail is
 * only logged (see http/error-handler.ts).
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra public fields merged into the body, e.g. `{ errors: { email: '…' } }`. */
    readonly extra?: Record<string, unknown>,
    /** Response headers, e.g. Retry-After or WWW-Authenticate. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (message: string, errors?: Record<string, string>) =>
  new AppError(400, 'VALIDATION_ERROR', message, errors ? { errors } : undefined);

export const unauthorized = (message = 'Authentication required', code = 'UNAUTHORIZED') =>
  new AppError(401, code, message);

/** RFC 6750 §3: a bad bearer credential answers with WWW-Authenticate error="invalid_token". */
export const invalidToken = (message = 'The access token is invalid or expired') =>
  new AppError(401, 'INVALID_TOKEN', message, undefined, {
    'www-authenticate': `Bearer error="invalid_token", error_description="${message}"`,
  });

export const forbidden = (message = 'You are not allowed to do this', code = 'FORBIDDEN') =>
  new AppError(403, code, message);

export const notFound = (message = 'Not found') => new AppError(404, 'NOT_FOUND', message);

export const conflict = (message: string, code = 'CONFLICT') => new AppError(409, code, message);

export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many attempts, try again later') =>
  new AppError(429, 'TOO_MANY_REQUESTS', message, undefined, {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))),
  });

export const storageUnavailable = () =>
  new AppError(503, 'SERVICE_UNAVAILABLE', 'The service is temporarily unavailable', undefined, {
    'retry-after': '5',
  });
