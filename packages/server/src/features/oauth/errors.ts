/**
 * The one OAuth error type (RFC 6749 §4.1.2.1 and §5.2, OIDC Core §3.1.2.6): thrown by every OAuth step and
 * turned into `{"error", "error_description"}` by the OAuth routes' error handler, or into a redirect by the
 * authorization endpoint once the redirect URI is trusted. Anything else thrown on an OAuth route is a
 * `server_error` whose detail is only logged.
 */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
    readonly status = 400,
    readonly headers?: Record<string, string>,
  ) {
    super(description);
    this.name = 'OAuthError';
  }

  get body(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
}

export const invalidRequest = (description: string) => new OAuthError('invalid_request', description);
export const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);
export const invalidScope = (description: string) => new OAuthError('invalid_scope', description);
export const invalidTarget = (description: string) => new OAuthError('invalid_target', description);
export const unauthorizedClient = (description: string) => new OAuthError('unauthorized_client', description);
export const unsupportedGrantType = (description: string) =>
  new OAuthError('unsupported_grant_type', description);

/**
 * RFC 6749 §5.2: 401 `invalid_client`; with `WWW-Authenticate` naming the scheme when the client
 * authenticated with HTTP Basic.
 */
export const invalidClient = (description: string, basic: boolean) =>
  new OAuthError(
    'invalid_client',
    description,
    401,
    basic ? { 'www-authenticate': 'Basic realm="gatehouse", charset="UTF-8"' } : undefined,
  );

export const temporarilyUnavailable = () =>
  new OAuthError('temporarily_unavailable', 'The service is temporarily unavailable', 503, {
    'retry-after': '5',
  });
