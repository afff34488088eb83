/**
 * Codes the SDK itself produces, for failures that never got (or could not use) a server answer.
 * Server codes (`UNAUTHORIZED`, `INVALID_TOKEN`, `VALIDATION_ERROR`, …) and RFC 6749 §5.2 codes
 * (`invalid_grant`, …) pass through unchanged.
 */
export type GatehouseClientErrorCode =
  | 'REFRESH_FAILED'
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'INVALID_RESPONSE'
  | 'UNSUPPORTED_ENVIRONMENT'
  | 'UNSUPPORTED_BY_SERVER'
  | 'ISSUER_MISMATCH'
  | 'ID_TOKEN_INVALID'
  | 'SOCIAL_STATE_MISMATCH'
  | 'SOCIAL_CODE_MISSING';

/**
 * Codes the Gatehouse server answers with on `/api` (HTTP-API.md); `insufficient_scope` is RFC 6750 §3.1.
 * Kept equal to the server's registry (packages/server/src/lib/error-codes.ts) by a compile-time check.
 */
export type GatehouseServerErrorCode =
  // Input
  | 'VALIDATION_ERROR'
  | 'INVALID_JSON'
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNKNOWN_ROLE'
  | 'BUILT_IN_ROLE'
  | 'LINK_INVALID'
  | 'INVALID_PASSWORD'
  // Authentication
  | 'UNAUTHORIZED'
  | 'INVALID_TOKEN'
  | 'INVALID_CREDENTIALS'
  | 'SESSION_EXPIRED'
  | 'INVALID_API_TOKEN'
  | 'API_KEY_QUERY_DISABLED'
  | 'WORKSPACE_ACCESS_REVOKED'
  | 'SECOND_FACTOR_REQUIRED'
  | 'INVALID_SECOND_FACTOR'
  | 'CHALLENGE_INVALID'
  | 'ACCOUNT_DISABLED'
  | 'API_TOKEN_EXPIRED'
  | 'API_TOKENS_NOT_ALLOWED'
  // Permission
  | 'FORBIDDEN'
  | 'insufficient_scope'
  | 'CREDENTIAL_NOT_ALLOWED'
  | 'CSRF_REJECTED'
  | 'SIGNUP_CLOSED'
  | 'NOT_A_MEMBER'
  | 'INSUFFICIENT_WORKSPACE_ROLE'
  | 'WORKSPACE_LOCKED'
  | 'INVITE_EMAIL_MISMATCH'
  | 'EMAIL_NOT_VERIFIED'
  | 'REAUTHENTICATION_REQUIRED'
  | 'SECOND_FACTOR_ENROLMENT_REQUIRED'
  | 'API_TOKENS_DISABLED'
  | 'NEVER_EXPIRING_NOT_ALLOWED'
  // Not found
  | 'NOT_FOUND'
  | 'USER_NOT_FOUND'
  | 'ROLE_NOT_FOUND'
  | 'WORKSPACE_NOT_FOUND'
  | 'MEMBER_NOT_FOUND'
  | 'INVITE_NOT_FOUND'
  | 'INVITE_INVALID'
  | 'INVITATION_NOT_FOUND'
  | 'TOKEN_SESSION_NOT_FOUND'
  // Conflict
  | 'CONFLICT'
  | 'USER_EXISTS'
  | 'USERNAME_TAKEN'
  | 'EMAIL_TAKEN'
  | 'ALREADY_MEMBER'
  | 'LAST_OWNER'
  | 'LAST_ADMIN'
  | 'ROLE_EXISTS'
  | 'ROLE_IN_USE'
  | 'MAX_TOKENS_REACHED'
  | 'API_TOKEN_ROTATING'
  | 'ROTATION_IN_PROGRESS'
  | 'SECOND_FACTOR_ENABLED'
  | 'SECOND_FACTOR_NOT_ENABLED'
  | 'NO_PENDING_ENROLMENT'
  | 'PROVIDER_INCOMPLETE'
  | 'LAST_SIGN_IN_METHOD'
  | 'SOCIAL_IDENTITY_IN_USE'
  | 'SOCIAL_EMAIL_UNVERIFIED'
  | 'SOCIAL_ACCOUNT_UNVERIFIED'
  | 'SOCIAL_SIGNUP_CLOSED'
  | 'PROVIDER_DISABLED'
  | 'IDENTITY_NOT_FOUND'
  | 'INVALID_STATE'
  | 'INVALID_CODE'
  | 'PROVIDER_UNAVAILABLE'
  | 'NOT_SUPPORTED'
  // Throttling and server side
  | 'TOO_MANY_REQUESTS'
  | 'ACCOUNT_LOCKED'
  | 'INTERNAL_ERROR'
  | 'SERVICE_UNAVAILABLE'
  | 'MAIL_DISABLED'
  | 'CONSOLE_NOT_BUILT';

/**
 * Every `code` a {@link GatehouseError} can carry. The `string & {}` arm keeps codes the server adds
 * later usable without losing editor completion for the known ones.
 */
export type GatehouseErrorCode = GatehouseClientErrorCode | GatehouseServerErrorCode | (string & {});

/** What a {@link GatehouseError} is built from. */
export interface GatehouseErrorInit {
  status: number;
  code: GatehouseErrorCode;
  message: string;
  details?: unknown;
  cause?: unknown;
}

/**
 * The only error the SDK rejects with. `status` is the HTTP status (0 when no response arrived),
 * `code` the server's code or one of {@link GatehouseClientErrorCode}, `details` the parsed response body.
 *
 * @example
 * ```ts
 * try {
 *   await sdk.authentication.getLoggedInUser();
 * } catch (error) {
 *   if (error instanceof GatehouseError && error.status === 401) redirectToLogin();
 *   else throw error;
 * }
 * ```
 */
export class GatehouseError extends Error {
  override readonly name = 'GatehouseError';
  readonly status: number;
  readonly code: GatehouseErrorCode;
  readonly details: unknown;

  constructor(init: GatehouseErrorInit) {
    super(
      init.message || describeStatus(init.status),
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
  }
}

/**
 * Builds the error for a non-2xx answer. `/api` bodies are `{code, message}`; OAuth endpoints answer
 * `{error, error_description}` (RFC 6749 §5.2); proxies may answer plain text or HTML.
 */
export function errorFromResponse(status: number, statusText: string, body: unknown): GatehouseError {
  const record = isRecord(body) ? body : {};
  const nested = isRecord(record['error']) ? record['error'] : {};
  // `error` is a code only in its RFC 6749 form (`invalid_grant`); proxies put a reason phrase there ("Not Found").
  const oauthCode = stringField(record, 'error');
  const code =
    stringField(record, 'code') ??
    (oauthCode && /^[\w.-]+$/.test(oauthCode) ? oauthCode : undefined) ??
    stringField(nested, 'code') ??
    `HTTP_${status}`;
  const message =
    stringField(record, 'message') ??
    stringField(record, 'error_description') ??
    stringField(nested, 'message') ??
    textSummary(body) ??
    describeStatus(status, statusText);
  return new GatehouseError({ status, code, message, details: body });
}

/** A short, single-line excerpt of a text body, so an HTML error page does not become a 10 kB message. */
function textSummary(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  const text = body.replace(/\s+/g, ' ').trim();
  if (!text || text.startsWith('<')) return undefined;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function describeStatus(status: number, statusText = ''): string {
  if (status === 0) return 'Request failed before a response arrived';
  return `Request failed with status ${status}${statusText ? ` ${statusText}` : ''}`;
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value.trim() ? value : undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
