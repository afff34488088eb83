import { invalidRequest } from '../errors.js';

/** A parsed form body: an object with string keys (@fastify/formbody's result). */
const isFormRecord = (body: unknown): body is Readonly<Record<string, unknown>> =>
  body !== null && typeof body === 'object';

/** The parsed body of a protocol request as name/value pairs; no body at all is invalid_request. */
export function formBody(body: unknown): Readonly<Record<string, unknown>> {
  if (!isFormRecord(body)) throw invalidRequest('The request needs a form body');
  return body;
}

/**
 * An OAuth form body as plain strings: a parameter sent twice is an error (RFC 6749 §3.2), never a
 * guess at which one counts. `repeatable` names parameters that may repeat (RFC 8707 `resource` at the
 * token endpoint): they are left out of the result, for the caller to read as a list.
 */
export function singleValued(body: unknown, repeatable: readonly string[] = []): Record<string, string> {
  const form: Record<string, string> = {};
  for (const [name, value] of Object.entries(formBody(body))) {
    if (repeatable.includes(name)) continue;
    if (typeof value !== 'string') throw invalidRequest(`The ${name} parameter appears more than once`);
    form[name] = value;
  }
  return form;
}
