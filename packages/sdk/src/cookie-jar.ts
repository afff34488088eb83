/**
 * The session cookie store used outside browsers. A browser keeps Gatehouse's HttpOnly cookie itself;
 * Node, Deno and Bun's `fetch` do not, so the SDK plays the browser's part for its one origin.
 *
 * Domain and Path are not tracked: the jar only ever talks to `appUrl`, and Gatehouse scopes its
 * cookie to `Path=/` (a `__Host-` cookie must, RFC 6265bis §4.1.3.2).
 */
export class CookieJar {
  readonly #cookies = new Map<string, { value: string; expiresAt: number }>();

  /** Applies every `Set-Cookie` of a response, including deletions (`Max-Age=0` or an `Expires` in the past). */
  capture(headers: Headers, now = Date.now()): void {
    for (const line of setCookieLines(headers)) {
      const parsed = parseSetCookie(line, now);
      if (!parsed) continue;
      if (parsed.expiresAt <= now) this.#cookies.delete(parsed.name);
      else this.#cookies.set(parsed.name, { value: parsed.value, expiresAt: parsed.expiresAt });
    }
  }

  /** The `Cookie` request header value, or undefined when the jar holds nothing live. */
  header(now = Date.now()): string | undefined {
    const pairs: string[] = [];
    for (const [name, cookie] of this.#cookies) {
      if (cookie.expiresAt <= now) this.#cookies.delete(name);
      else pairs.push(`${name}=${cookie.value}`);
    }
    return pairs.length ? pairs.join('; ') : undefined;
  }

  clear(): void {
    this.#cookies.clear();
  }
}

interface ParsedCookie {
  name: string;
  value: string;
  expiresAt: number;
}

/** RFC 6265 §5.2, reduced to what the jar needs: name, value and the two expiry attributes. */
export function parseSetCookie(line: string, now: number): ParsedCookie | undefined {
  const [pair = '', ...attributes] = line.split(';');
  const eq = pair.indexOf('=');
  if (eq <= 0) return undefined;
  const name = pair.slice(0, eq).trim();
  const value = pair.slice(eq + 1).trim();
  // A session cookie (no expiry attribute) lives as long as the SDK instance, like a browser session.
  let expiresAt = Number.POSITIVE_INFINITY;
  let maxAgeSeen = false;
  for (const attribute of attributes) {
    const [rawKey = '', ...rest] = attribute.split('=');
    const key = rawKey.trim().toLowerCase();
    const attrValue = rest.join('=').trim();
    if (key === 'max-age') {
      const seconds = Number.parseInt(attrValue, 10);
      if (Number.isNaN(seconds)) continue;
      expiresAt = seconds <= 0 ? 0 : now + seconds * 1000;
      maxAgeSeen = true;
    } else if (key === 'expires' && !maxAgeSeen) {
      // §5.3 step 3: Max-Age wins over Expires whatever their order.
      const date = Date.parse(attrValue);
      if (!Number.isNaN(date)) expiresAt = date;
    }
  }
  return { name, value, expiresAt };
}

/**
 * `Headers.getSetCookie()` (Node ≥ 19.7, Deno, Bun) returns each header separately. Older runtimes fold
 * them into one comma-joined string, which is split only before `name=` so `Expires` dates stay whole.
 */
function setCookieLines(headers: Headers): string[] {
  if (typeof headers.getSetCookie === 'function') return headers.getSetCookie();
  const folded = headers.get('set-cookie');
  return folded ? folded.split(/,(?=\s*[^;,=\s]+=)/) : [];
}
