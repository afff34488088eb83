/**
 * Where the browser goes after a social login (SECURITY.md, "Social"). The `returnUrl` must parse on its
 * own as an absolute http(s) URL (no base: `//evil.example` and `/\evil.example` do not) and its origin
 * (scheme, host and port, as the URL parser computes it, so `https://app.example.com@evil.example` is
 * evil.example) must be exactly one of the allowed origins. Anything else, including what no parser
 * accepts, gets the default: never an error, never a 500. The allowed origins come from configuration,
 * never from request headers, so a forged `X-Forwarded-Host` changes nothing.
 */
export function allowedReturnUrl(
  raw: string | undefined,
  allowed: readonly string[],
  fallback: string,
): string {
  if (!raw) return fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fallback;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return fallback;
  if (url.username !== '' || url.password !== '') return fallback;
  return allowed.includes(url.origin) ? url.href : fallback;
}

/** The return URL with the one-time code and the application's state (or an error) appended. */
export function returnWith(returnUrl: string, params: Record<string, string | null>): string {
  const url = new URL(returnUrl);
  for (const [key, value] of Object.entries(params)) {
    url.searchParams.delete(key);
    if (value !== null) url.searchParams.set(key, value);
  }
  return url.href;
}
