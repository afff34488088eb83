import type { LoggerOptions } from 'pino';

/** Query parameters that may carry a secret: stripped from every logged URL. */
const SECRET_PARAMS =
  /([?&](?:api_key|rt|code|token|refresh_token|access_token|state|client_secret)=)[^&#]*/gi;

/** Path segments that are secrets: the workspace invite link `/api/invites/<token>/accept`. */
const SECRET_SEGMENTS = /(\/api\/+invites\/+)[^/?#]+/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAMS, '$1[redacted]').replace(SECRET_SEGMENTS, '$1[redacted]');
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
      censor: '[redacted]',
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
