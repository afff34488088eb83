import type { FastifyInstance, FastifyRequest } from 'fastify';
import { userClaims } from './claims.js';
import { OAuthError } from './errors.js';
import type { OAuthFeature } from './feature.js';
import { parseScope } from './scopes.js';

/** RFC 6750 §3: a bad or missing bearer token is 401 with `WWW-Authenticate: Bearer …`. */
const invalidToken = (description: string) =>
  new OAuthError('invalid_token', description, 401, {
    'www-authenticate': `Bearer error="invalid_token", error_description="${description}"`,
  });

/** The access token of a userinfo request: the Authorization header, or a form body (RFC 6750 §2.1–2.2). */
function presentedToken(request: FastifyRequest): string | undefined | null {
  const header = request.headers.authorization;
  const { body } = request;
  const fromBody =
    typeof body === 'object' &&
    body !== null &&
    'access_token' in body &&
    typeof body.access_token === 'string'
      ? body.access_token
      : undefined;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    // Two ways at once is an error (§2), and so is another scheme.
    if (!match || fromBody !== undefined) return null;
    return match[1];
  }
  return fromBody;
}

/**
 * GET and POST /oauth2/userinfo (OIDC Core §5.3): the claims the access token's scopes allow. A browser
 * on an allowed origin that sends the Gatehouse session cookie instead gets the signed-in user (seed 003,
 * "Checking Session Status"); CORS for those origins comes from the app-wide policy.
 */
export async function userinfoRoutes(
  app: FastifyInstance,
  { oauth }: { oauth: OAuthFeature },
): Promise<void> {
  const handler = async (request: FastifyRequest) => {
    const token = presentedToken(request);
    if (token === null) throw invalidToken('Send the access token once, as a Bearer token');
    if (token === undefined) {
      const signedIn = await oauth.flow.currentUser(request);
      if (!signedIn)
        throw new OAuthError('invalid_token', 'An access token or a session is required', 401, {
          'www-authenticate': 'Bearer',
        });
      return userClaims(signedIn.user, ['openid', 'profile', 'email']);
    }
    const claims = await oauth.accessTokens.verify(token);
    if (!claims?.familyId) throw invalidToken('The access token is invalid or expired');
    // A deleted client's grants were ended; its existence is checked too, as introspection does.
    if (!(await oauth.tokenClientExists(claims.clientId)))
      throw invalidToken('The access token is invalid or expired');
    const family = await oauth.grantContext.tokens.liveFamily(claims.familyId);
    if (!family || family.user_id !== claims.subject)
      throw invalidToken('The access token is invalid or expired');
    const scopes = parseScope(claims.scope);
    if (!scopes.includes('openid'))
      throw new OAuthError('insufficient_scope', 'The access token lacks the openid scope', 403, {
        'www-authenticate': 'Bearer error="insufficient_scope", scope="openid"',
      });
    const principal = await oauth.grantContext.principals.load(claims.subject, null).catch(() => null);
    if (!principal) throw invalidToken('The access token is invalid or expired');
    return userClaims(principal.user, scopes);
  };
  app.get('/oauth2/userinfo', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return handler(request);
  });
  app.post('/oauth2/userinfo', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    return handler(request);
  });
}
