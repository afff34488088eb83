/** Every admin screen, in one chunk loaded when an admin first opens one of them (routes.tsx). */
export { AdminAudit } from './audit.js';
export { AdminOAuthClients } from './oauth-clients.js';
export { AdminProviders } from './providers.js';
export { AdminRoles } from './roles.js';
export { AdminSettings } from './settings.js';
export { AdminUsers } from './users.js';
export { AdminWorkspaces } from './workspaces.js';
