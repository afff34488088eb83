import { GatehouseError } from '@gatehouse/sdk';

/** Field name on the wire → words on the page, for validation errors pointing at a field. */
const FIELD_NAMES: Record<string, string> = {
  email: 'Email',
  password: 'Password',
  username: 'Username',
  firstName: 'First name',
  lastName: 'Last name',
  nickname: 'Name',
  expiresAt: 'Expiry',
  newPassword: 'New password',
  currentPassword: 'Current password',
  name: 'Name',
  role: 'Role',
};

/**
 * What a person reads when an action fails. The server's messages are written for people and are shown
 * as they are; only failures with no server sentence of their own, or worded for programmers, are
 * rephrased here.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof GatehouseError))
    return 'Something unexpected went wrong. Reload the page and try again.';
  switch (error.code) {
    case 'NETWORK_ERROR':
      return 'The server could not be reached. Check your connection and try again.';
    case 'TIMEOUT':
      return 'The server took too long to answer. Try again in a moment.';
    case 'INTERNAL_ERROR':
      return 'Something went wrong on the server. Try again; if it keeps happening, tell your administrator.';
    case 'SERVICE_UNAVAILABLE':
      return 'The service is temporarily unavailable. Try again in a few seconds.';
    case 'CSRF_REJECTED':
      return 'This request came from another site and was refused. Reload the console and try again.';
    case 'SECOND_FACTOR_ENROLMENT_REQUIRED':
      return 'An administrator requires two-step verification for your account: set it up on the Security page to continue.';
    case 'PAYLOAD_TOO_LARGE':
      return 'That is too much text for one request.';
    case 'VALIDATION_ERROR': {
      const errors = fieldErrors(error);
      const first = Object.entries(errors)[0];
      if (first) return `${FIELD_NAMES[first[0]] ?? first[0]} ${humanRule(first[1])}.`;
      return error.message;
    }
    default:
      return error.message;
  }
}

/** The `errors: {field: problem}` object of a 400 answer, for messages beside each field. */
export function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof GatehouseError)) return {};
  const details = error.details as { errors?: unknown } | undefined;
  const errors = details?.errors;
  if (!errors || typeof errors !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [field, problem] of Object.entries(errors as Record<string, unknown>))
    if (typeof problem === 'string') out[field] = humanRule(problem);
  return out;
}

/** ajv's rule phrasing ("must NOT have fewer than 3 characters") in plainer words. */
function humanRule(problem: string): string {
  return problem
    .replace(/^must NOT have fewer than (\d+) characters$/, 'must be at least $1 characters long')
    .replace(/^must NOT have more than (\d+) characters$/, 'must be at most $1 characters long')
    .replace(/^must match pattern .*$/, 'contains characters that are not allowed');
}

/** True when the failure means the console's session is over (revoked elsewhere, expired, signed out). */
export function isSignedOut(error: unknown): boolean {
  return error instanceof GatehouseError && error.status === 401;
}

/** True when an admin requires a second factor of this user before anything but setting one up. */
export function mustEnrolSecondFactor(error: unknown): boolean {
  return error instanceof GatehouseError && error.code === 'SECOND_FACTOR_ENROLMENT_REQUIRED';
}
