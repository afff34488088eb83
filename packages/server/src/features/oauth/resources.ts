import { invalidTarget } from './errors.js';

/**
 * RFC 8707 resource indicators: the resource servers (audiences) an access token is for. A client may name
 * several, each one it is registered for. Stored space-separated like a scope: an absolute URI holds no
 * whitespace (RFC 3986 §2; client registration refuses one that does), so a single stored resource reads
 * back as itself.
 */
export function parseResources(stored: string | null | undefined): string[] {
  if (!stored) return [];
  return [...new Set(stored.split(' ').filter((part) => part.length > 0))];
}

export const formatResources = (resources: readonly string[]): string | null =>
  resources.length > 0 ? resources.join(' ') : null;

/** The `resource` parameter, once or repeated (RFC 8707 §2), as a list without duplicates. */
export function resourceParameter(value: unknown): string[] {
  // Absent or sent once (the usual requests): no list to flatten or de-duplicate.
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((one): one is string => typeof one === 'string'))];
}

/**
 * The resources a request names, each of which must be among `allowed` (the client's registration, or
 * what the user's grant covers), else `invalid_target` (RFC 8707 §2).
 */
export function allowedResources(
  requested: readonly string[],
  allowed: readonly string[],
  of: string,
): string[] {
  const outside = requested.find((resource) => !allowed.includes(resource));
  if (outside !== undefined) throw invalidTarget(`The resource "${outside.slice(0, 200)}" is not ${of}`);
  return [...requested];
}

/**
 * An access token's `aud`: its resources, or Gatehouse's own API when it names none. One audience is a
 * string, several an array (RFC 7519 §4.1.3; RFC 9068 §3 lets `aud` list every resource the token is for).
 */
export function audienceOf(resources: readonly string[], self: string): string | string[] {
  if (resources.length === 0) return self;
  return resources.length === 1 ? (resources[0] as string) : [...resources];
}
