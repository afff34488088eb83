import type { AuthorizationServer, AuthorizationServerOptions } from './authorization-server.js';
import { startOidcProvider } from './oidc-provider.js';

export type {
  AuthorizationServer,
  AuthorizationServerOptions,
  RegisteredClient,
} from './authorization-server.js';

/**
 * Every authorization server the SDK's OAuth flows run against. Gatehouse's own (issue 11) joins once its
 * server is on main: import `startGatehouse` from ./gatehouse.js and add `{ name: 'Gatehouse', start:
 * startGatehouse }` (the fixture was run, with every flow passing, against branch oauth-server).
 */
export const authorizationServers: Array<{
  name: string;
  start(options?: AuthorizationServerOptions): Promise<AuthorizationServer>;
}> = [{ name: 'oidc-provider', start: startOidcProvider }];
