/**
 * The oidc-provider peer (the certified OpenID provider for Node), as its own process: one confidential
 * client with the client_credentials grant, introspection on, its default in-memory adapter. Tokens are
 * opaque by default and JWTs (RS256, its default) when the client asks for the one registered resource.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import Provider, { errors } from 'oidc-provider';
import { announce, OIDC_CLIENT, OIDC_JWT_RESOURCE, onShutdown } from './common.mjs';

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
onShutdown(() => server.close());

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
const provider = new Provider(`http://127.0.0.1:${server.address().port}`, {
  clients: [
    {
      client_id: OIDC_CLIENT.id,
      client_secret: OIDC_CLIENT.secret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: 'api',
    },
  ],
  scopes: ['api'],
  jwks: { keys: [{ ...signingKey, alg: 'RS256', use: 'sig', kid: 'bench' }] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => undefined,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== OIDC_JWT_RESOURCE) throw new errors.InvalidTarget();
        return { scope: 'api', audience: OIDC_JWT_RESOURCE, accessTokenFormat: 'jwt' };
      },
    },
  },
});
server.on('request', provider.callback());
announce(server);
