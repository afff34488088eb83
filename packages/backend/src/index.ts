export { type AccessTokenOptions, AccessTokenVerifier } from './access-tokens.js';
export { gatehouseExpress } from './adapters/express.js';
export { gatehouseFastify } from './adapters/fastify.js';
export { gatehouseHono } from './adapters/hono.js';
export { withGatehouse } from './adapters/next.js';
export {
  createGatehouseBackend,
  GatehouseBackend,
  type GatehouseBackendOptions,
  type RequestCredentials,
} from './gatehouse-backend.js';
export {
  GatehouseAuthError,
  type GatehousePrincipal,
  type Requirements,
  requirePrincipal,
} from './principal.js';
export { SessionChecker, type SessionCheckOptions } from './sessions.js';
