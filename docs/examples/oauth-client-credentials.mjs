// docs/oauth.md, "From openid-client": a service calling an API with its own token, and a resource server
// checking it with introspection. Run: GATEHOUSE_URL=… CLIENT_ID=… CLIENT_SECRET=… node oauth-client-credentials.mjs
import * as client from 'openid-client';

const issuer = new URL(process.env.GATEHOUSE_URL ?? 'http://localhost:3000');
const options = issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined;
const config = await client.discovery(
  issuer,
  process.env.CLIENT_ID,
  process.env.CLIENT_SECRET,
  undefined,
  options,
);

const tokens = await client.clientCredentialsGrant(config, { scope: 'api:read' });
console.log('access token expires in', tokens.expires_in, 'seconds');

const described = await client.tokenIntrospection(config, tokens.access_token);
console.log('active:', described.active, 'client:', described.client_id, 'scope:', described.scope);

await client.tokenRevocation(config, tokens.access_token);
console.log(
  'after revocation, active:',
  (await client.tokenIntrospection(config, tokens.access_token)).active,
);
