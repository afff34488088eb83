/** RFC 8252 §7.3: loopback redirects for native apps name the IP literal, never `localhost`. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

function loopbackWithoutPort(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' || !LOOPBACK_HOSTS.has(url.hostname)) return undefined;
  url.port = '';
  return url.href;
}

/**
 * Whether `given` is one of the registered redirect URIs: an exact string comparison (RFC 9700 §4.1.3),
 * so an extra path, a trailing slash, an added query, a fragment, userinfo or another host never match.
 * The one exception is RFC 8252 §7.3: a native client's loopback redirect may use any port.
 */
export function redirectUriMatches(registered: readonly string[], given: string, native: boolean): boolean {
  if (registered.includes(given)) return true;
  if (!native) return false;
  const withoutPort = loopbackWithoutPort(given);
  if (withoutPort === undefined) return false;
  return registered.some((uri) => loopbackWithoutPort(uri) === withoutPort);
}

/**
 * What may be registered (RFC 6749 §3.1.2): an absolute URI without a fragment; https, or http on a
 * loopback address, or a private-use scheme for a native app (RFC 8252 §7.1). Returns the problem, if any.
 */
export function redirectUriProblem(uri: string, native: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `"${uri}" is not an absolute URI`;
  }
  if (url.hash || uri.includes('#')) return `"${uri}" has a fragment`;
  if (url.username || url.password) return `"${uri}" has userinfo`;
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:') {
    const local = LOOPBACK_HOSTS.has(url.hostname) || url.hostname === 'localhost';
    return local ? undefined : `"${uri}" must use https (http only on a loopback address)`;
  }
  if (native && /^[a-z][a-z0-9+.-]*\.[a-z0-9+.-]+:$/.test(url.protocol)) return undefined;
  return `"${uri}" has an unsupported scheme`;
}
