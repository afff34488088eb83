import type { LoggerOptions } from 'pino';

/** Query parameters that may carry a secret, by name as the server reads it (decoded, any case). */
const SECRET_PARAMS = new Set([
  'api_key',
  'rt',
  'code',
  'code_verifier',
  'token',
  'refresh_token',
  'access_token',
  'id_token',
  'state',
  'client_secret',
  'client_assertion',
  'password',
]);

/** Paths with a secret segment, matched on the canonical path: the workspace invite link's token. */
const SECRET_PATHS: readonly RegExp[] = [/(\/api\/invites\/)[^/]+/i];

const REDACTED = '[redacted]';

/**
 * Percent-decodes until nothing changes (a few rounds at most), so `%2569` is read as `i` too. Byte-wise
 * and never throwing: malformed escapes are common in attack traffic, and the result is only compared.
 */
function decodeFully(text: string): string {
  let current = text;
  for (let round = 0; round < 4; round += 1) {
    const next = current.replace(/%([0-9a-f]{2})/gi, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
    if (next === current) break;
    current = next;
  }
  return current;
}

/** A query key the way the query parser reads it: decoded, `+` as space, any `[]` suffix dropped, lower case. */
function paramName(rawKey: string): string {
  return decodeFully(rawKey.replaceAll('+', ' '))
    .replace(/\[[^\]]*\]$/, '')
    .trim()
    .toLowerCase();
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals === -1) return pair;
      const key = pair.slice(0, equals);
      return SECRET_PARAMS.has(paramName(key)) ? `${key}=${REDACTED}` : pair;
    })
    .join('&');
}

/**
 * The router ignores case and duplicate slashes and decodes the path (app.ts), so `/API//%69nvites/<t>/accept`
 * reaches the invite route: the secret is found on the decoded, collapsed path. A path that holds one is
 * logged in that canonical form with the secret replaced; any other path is logged as received.
 */
function redactPath(path: string): string {
  // Without `%` nothing decodes and without `//` nothing collapses: the path is its canonical form (the
  // common case, every request's access line, skips the two regular-expression passes).
  const canonical =
    !path.includes('%') && !path.includes('//') ? path : decodeFully(path).replace(/\/{2,}/g, '/');
  const pattern = SECRET_PATHS.find((secret) => secret.test(canonical));
  return pattern ? canonical.replace(pattern, `$1${REDACTED}`) : path;
}

/** A request URL fit for a log line: secret path segments and secret query values replaced, whatever the spelling. */
export function redactUrl(url: string): string {
  const question = url.indexOf('?');
  if (question === -1) return redactPath(url);
  return `${redactPath(url.slice(0, question))}?${redactQuery(url.slice(question + 1))}`;
}

/**
 * pino options: structured JSON, and no secret in any line. Headers that carry credentials are redacted,
 * and request URLs lose secret query parameters (an `?api_key=` or one-time `?rt=` would otherwise land in logs).
 */
export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
        '*.password',
        '*.newPassword',
        '*.currentPassword',
        '*.token',
        '*.refreshToken',
      ],
      censor: REDACTED,
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        id: req.id,
        method: req.method,
        url: redactUrl(req.url),
        ip: req.ip,
      }),
    },
  };
}
