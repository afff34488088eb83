import type { AuthorizationServer, AuthorizationServerOptions } from './authorization-server.js';
import { startGatehouse } from './gatehouse.js';
import { startOidcProvider } from './oidc-provider.js';

export type {
  AuthorizationServer,
  AuthorizationServerOptions,
  RegisteredClient,
} from './authorization-server.js';

/** Every authorization server the SDK's OAuth flows run against: oidc-provider, and Gatehouse's own (issue 11). */
export const authorizationServers: Array<{
  name: string;
  start(options?: AuthorizationServerOptions): Promise<AuthorizationServer>;
}> = [
  { name: 'oidc-provider', start: startOidcProvider },
  { name: 'Gatehouse', start: startGatehouse },
];
