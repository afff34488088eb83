import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/load.js';
import { ID_TOKEN_ALGORITHMS } from './clients/service.js';
import { issuerOf } from './issuer.js';
import { SUPPORTED_SCOPES } from './scopes.js';

/** How long clients may cache the metadata (it changes only with a new release or public URL). */
const METADATA_MAX_AGE_SECONDS = 3600;

/** The claims userinfo and ID tokens can carry (OIDC Core §5.1), by scope. */
export const SUPPORTED_CLAIMS = [
  'sub',
  'iss',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'at_hash',
  'amr',
  'azp',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'updated_at',
  'email',
  'email_verified',
];

/** OpenID Connect Discovery 1.0 §3 and RFC 8414 §2: one document, served under both well-known names. */
export function authorizationServerMetadata(config: Config): Record<string, unknown> {
  const issuer = issuerOf(config);
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth2/authorize`,
    token_endpoint: `${issuer}/oauth2/token`,
    userinfo_endpoint: `${issuer}/oauth2/userinfo`,
    jwks_uri: `${issuer}/oauth2/jwks`,
    revocation_endpoint: `${issuer}/oauth2/revoke`,
    introspection_endpoint: `${issuer}/oauth2/introspect`,
    scopes_supported: SUPPORTED_SCOPES,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token', 'client_credentials'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [...ID_TOKEN_ALGORITHMS],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    code_challenge_methods_supported: ['S256'],
    prompt_values_supported: ['none', 'login', 'consent'],
    claims_supported: SUPPORTED_CLAIMS,
    claims_parameter_supported: false,
    request_parameter_supported: false,
    request_uri_parameter_supported: false,
    // RFC 9207: every authorization response carries `iss`, so clients can detect mix-up attacks.
    authorization_response_iss_parameter_supported: true,
  };
}

export async function discoveryRoutes(app: FastifyInstance, { config }: { config: Config }): Promise<void> {
  const metadata = authorizationServerMetadata(config);
  for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
    // The metadata is RFC 8414's open-ended object: documented as such, serialized as built.
    const response = { 200: { type: 'object', additionalProperties: true } };
    app.get(path, { schema: { response } }, async (_request, reply) => {
      reply.header('cache-control', `public, max-age=${METADATA_MAX_AGE_SECONDS}`);
      return metadata;
    });
  }
}
