import type { ComponentType } from 'preact';
import { lazy } from './lib/lazy.js';
import { match } from './lib/router.js';
import { AcceptInvite } from './screens/invite.js';
import { NotFound } from './screens/not-found.js';
import { Profile } from './screens/profile.js';
import { Security } from './screens/security.js';
import { ApiTokens } from './screens/tokens.js';
import { WorkspaceDetail } from './screens/workspace-detail.js';
import { Workspaces } from './screens/workspaces.js';

/** What every screen is given: the pattern's named segments (`/workspaces/:id` → `{ id }`). */
export interface ScreenProps {
  params: Record<string, string>;
}

interface Route {
  pattern: string;
  screen: ComponentType<ScreenProps>;
  admin?: boolean;
}

/** The admin screens come in their own chunk, fetched the first time an admin opens one. */
const admin = (name: keyof typeof import('./screens/admin/index.js')) =>
  lazy<ScreenProps>(() => import('./screens/admin/index.js').then((screens) => screens[name]));

/** Signed-in pages. Admin pages are hidden from everyone else (and the API refuses them anyway). */
export const ROUTES: Route[] = [
  { pattern: '/profile', screen: Profile },
  { pattern: '/security', screen: Security },
  { pattern: '/tokens', screen: ApiTokens },
  { pattern: '/workspaces', screen: Workspaces },
  { pattern: '/workspaces/:id', screen: WorkspaceDetail },
  { pattern: '/invites/:token', screen: AcceptInvite },
  { pattern: '/admin/users', screen: admin('AdminUsers'), admin: true },
  { pattern: '/admin/workspaces', screen: admin('AdminWorkspaces'), admin: true },
  { pattern: '/admin/roles', screen: admin('AdminRoles'), admin: true },
  { pattern: '/admin/settings', screen: admin('AdminSettings'), admin: true },
  { pattern: '/admin/providers', screen: admin('AdminProviders'), admin: true },
  { pattern: '/admin/oauth-clients', screen: admin('AdminOAuthClients'), admin: true },
  { pattern: '/admin/audit', screen: admin('AdminAudit'), admin: true },
];

export function resolve(
  path: string,
  isAdmin: boolean,
): { screen: ComponentType<ScreenProps>; params: Record<string, string> } {
  for (const route of ROUTES) {
    const params = match(route.pattern, path);
    if (params && (!route.admin || isAdmin)) return { screen: route.screen, params };
  }
  return { screen: NotFound, params: {} };
}
