import type { AuthorizationServer, AuthorizationServerOptions } from './authorization-server.js';
import { startOidcProvider } from './oidc-provider.js';

export type {
  AuthorizationServer,
  AuthorizationServerOptions,
  RegisteredClient,
} from './authorization-server.js';

/**
 * Every authorization server the SDK's OAuth flows run against. Gatehouse's own (issue 11) joins this
 * list with a fixture of its own once it is on main.
 */
export const authorizationServers: Array<{
  name: string;
  start(options?: AuthorizationServerOptions): Promise<AuthorizationServer>;
}> = [{ name: 'oidc-provider', start: startOidcProvider }];
