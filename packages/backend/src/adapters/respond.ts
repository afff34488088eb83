import { GatehouseAuthError } from '../principal.js';

/** The status, headers and JSON body for a refused request, or undefined for any other error. */
export function refusal(
  error: unknown,
): { status: number; headers: Record<string, string>; body: { code: string; message: string } } | undefined {
  if (!(error instanceof GatehouseAuthError)) return undefined;
  return {
    status: error.status,
    headers: error.wwwAuthenticate ? { 'www-authenticate': error.wwwAuthenticate } : {},
    body: error.toJSON(),
  };
}

/** A header's value as one string (Node gives arrays for repeated headers). */
export function headerValue(value: string | string[] | undefined | null): string | undefined {
  if (value === null || value === undefined) return undefined;
  return Array.isArray(value) ? value.join('; ') : value;
}
