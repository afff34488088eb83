/**
 * Every `code` the server answers with (HTTP-API.md's `{code, message}` body), its HTTP status and the
 * public message used when the thrower has nothing more specific to say. AppError only accepts codes listed
 * here, with one of the statuses listed here, and the SDK's `GatehouseServerErrorCode` union is checked
 * against this registry at compile time (test/error-codes.check.ts): a code added on one side only fails
 * `npm run typecheck`. docs/errors.md lists the same table (error-registry.test.ts compares them): add a
 * row there with each new code. A few codes have two statuses for historical reasons; the array lists both.
 */
export const ERROR_CODES = {
  // Input (400, 413, 415)
  VALIDATION_ERROR: { status: 400, message: 'The request is invalid' },
  INVALID_JSON: { status: 400, message: 'The request body is not valid JSON' },
  BAD_REQUEST: { status: 400, message: 'The request could not be processed' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Unsupported content type' },
  UNKNOWN_ROLE: { status: 400, message: 'This is not a defined role' },
  BUILT_IN_ROLE: { status: 400, message: 'A built-in role cannot be deleted' },
  LINK_INVALID: { status: 400, message: 'This link is invalid or has expired' },
  INVALID_PASSWORD: { status: [400, 403], message: 'The password is incorrect' },
  INVALID_STATE: {
    status: 400,
    message: 'This sign-in link is invalid, expired or already used; start again',
  },

  // Authentication (401)
  UNAUTHORIZED: { status: 401, message: 'Authentication required' },
  INVALID_TOKEN: { status: 401, message: 'The access token is invalid or expired' },
  INVALID_CREDENTIALS: { status: 401, message: 'Invalid email/username or password' },
  SESSION_EXPIRED: { status: 401, message: 'Your session has ended; sign in again' },
  INVALID_API_TOKEN: { status: 401, message: 'The API token is invalid or has been revoked' },
  API_KEY_QUERY_DISABLED: { status: 401, message: 'Send the API token in the x-api-key header' },
  WORKSPACE_ACCESS_REVOKED: {
    status: 401,
    message: "The API token's owner is no longer a member of its workspace",
  },
  SECOND_FACTOR_REQUIRED: { status: 401, message: 'Enter the code from your authenticator app' },
  INVALID_SECOND_FACTOR: { status: 401, message: 'The code is incorrect or was already used' },
  INVALID_CODE: { status: 401, message: 'The sign-in code is invalid, expired or already used' },
  CHALLENGE_INVALID: { status: 401, message: 'The sign-in has expired or was already completed' },
  ACCOUNT_DISABLED: { status: [401, 403], message: 'This account is disabled; contact an administrator' },
  API_TOKEN_EXPIRED: { status: [401, 409], message: 'The API token has expired' },
  API_TOKENS_NOT_ALLOWED: { status: [401, 403], message: 'Your roles do not allow API tokens' },

  // Permission (403)
  FORBIDDEN: { status: 403, message: 'You are not allowed to do this' },
  insufficient_scope: { status: 403, message: 'The API token lacks the scope this action requires' },
  CREDENTIAL_NOT_ALLOWED: { status: 403, message: 'This action cannot be performed with this credential' },
  CSRF_REJECTED: { status: 403, message: 'Cross-site request refused' },
  SIGNUP_CLOSED: { status: 403, message: 'Sign-up is closed on this server' },
  NOT_A_MEMBER: { status: 403, message: 'You are not a member of this workspace' },
  INSUFFICIENT_WORKSPACE_ROLE: { status: 403, message: 'Your role in this workspace does not allow this' },
  WORKSPACE_LOCKED: { status: 403, message: 'This credential is bound to one workspace' },
  INVITE_EMAIL_MISMATCH: { status: 403, message: 'This invite was sent to another email address' },
  EMAIL_NOT_VERIFIED: { status: 403, message: 'Confirm your e-mail address first' },
  REAUTHENTICATION_REQUIRED: { status: 403, message: 'This needs a recent sign-in' },
  SECOND_FACTOR_ENROLMENT_REQUIRED: {
    status: 403,
    message: 'An administrator requires a second factor: set one up to continue',
  },
  API_TOKENS_DISABLED: { status: [401, 403], message: 'API tokens are disabled on this server' },
  NEVER_EXPIRING_NOT_ALLOWED: {
    status: 403,
    message: 'Never-expiring API tokens are not allowed on this server',
  },

  // Not found (404)
  NOT_FOUND: { status: 404, message: 'Not found' },
  USER_NOT_FOUND: { status: 404, message: 'User not found' },
  ROLE_NOT_FOUND: { status: 404, message: 'No custom role with this name' },
  WORKSPACE_NOT_FOUND: { status: 404, message: 'Workspace not found' },
  MEMBER_NOT_FOUND: { status: 404, message: 'This user is not a member of the workspace' },
  INVITE_NOT_FOUND: { status: 404, message: 'No pending invite with this id' },
  INVITE_INVALID: { status: 404, message: 'This invite link is invalid, expired or already used' },
  INVITATION_NOT_FOUND: { status: 404, message: 'No pending invitation with this id for you' },
  TOKEN_SESSION_NOT_FOUND: { status: 404, message: 'No active token sign-in with this id' },
  PROVIDER_DISABLED: { status: 404, message: 'Sign-in with this provider is not enabled on this server' },
  IDENTITY_NOT_FOUND: { status: 404, message: 'No such linked identity' },

  // Conflict (409)
  CONFLICT: { status: 409, message: 'The request conflicts with the current state' },
  USER_EXISTS: { status: 409, message: 'An account with this email or username already exists' },
  USERNAME_TAKEN: { status: 409, message: 'This username is taken' },
  EMAIL_TAKEN: { status: 409, message: 'Another account already uses this address' },
  ALREADY_MEMBER: { status: 409, message: 'This user is already a member' },
  LAST_OWNER: { status: 409, message: 'A workspace must keep at least one owner' },
  LAST_ADMIN: { status: 409, message: 'The deployment must keep at least one admin' },
  ROLE_EXISTS: { status: 409, message: 'A role with this name already exists' },
  ROLE_IN_USE: { status: 409, message: 'Members still hold this role' },
  MAX_TOKENS_REACHED: { status: 409, message: 'You already have the most active API tokens allowed' },
  API_TOKEN_ROTATING: { status: 409, message: 'This API token is already being rotated out' },
  ROTATION_IN_PROGRESS: { status: 409, message: 'Another key rotation is running; try again' },
  SECOND_FACTOR_ENABLED: { status: 409, message: 'A second factor is already on' },
  SECOND_FACTOR_NOT_ENABLED: { status: 409, message: 'The second factor is off' },
  NO_PENDING_ENROLMENT: { status: 409, message: 'There is no enrolment waiting for a code' },
  PROVIDER_INCOMPLETE: { status: 409, message: 'Set the client secret before enabling the provider' },
  LAST_SIGN_IN_METHOD: { status: 409, message: 'This is the only way left to sign in to the account' },
  SOCIAL_IDENTITY_IN_USE: { status: 409, message: 'This identity is linked to another account' },
  SOCIAL_EMAIL_UNVERIFIED: { status: 409, message: 'The provider did not verify this e-mail address' },
  SOCIAL_ACCOUNT_UNVERIFIED: { status: 409, message: "The existing account's address was never confirmed" },
  SOCIAL_SIGNUP_CLOSED: { status: 409, message: 'There is no account for you here and sign-up is closed' },

  // Throttling (429)
  TOO_MANY_REQUESTS: { status: 429, message: 'Too many attempts, try again later' },
  ACCOUNT_LOCKED: { status: 429, message: 'Too many failed sign-ins; try again later' },

  // Server side (500, 503)
  INTERNAL_ERROR: { status: 500, message: 'Something went wrong on our side' },
  NOT_SUPPORTED: { status: 501, message: 'Gatehouse does not serve this route of the Qelos API' },
  PROVIDER_UNAVAILABLE: { status: 502, message: 'The sign-in provider could not be reached' },
  SERVICE_UNAVAILABLE: { status: 503, message: 'The service is temporarily unavailable' },
  MAIL_DISABLED: { status: 503, message: 'E-mail is off on this server' },
  CONSOLE_NOT_BUILT: { status: 503, message: 'The web console is not built on this server' },
} as const satisfies Record<string, { status: number | readonly number[]; message: string }>;

/** Every code the server can answer with. */
export type ErrorCode = keyof typeof ERROR_CODES;

type Registered<C extends ErrorCode> = (typeof ERROR_CODES)[C]['status'];
/** The statuses this code may be answered with. */
export type StatusOf<C extends ErrorCode> = Registered<C> extends readonly (infer S)[] ? S : Registered<C>;
/** The codes that may be answered with this status (e.g. for `unauthorized(message, code)`). */
export type CodeWithStatus<S extends number> = {
  [C in ErrorCode]: S extends StatusOf<C> ? C : never;
}[ErrorCode];

/** The statuses of one code, as a list. */
export function statusesOf(code: ErrorCode): readonly number[] {
  const { status } = ERROR_CODES[code];
  return typeof status === 'number' ? [status] : status;
}
