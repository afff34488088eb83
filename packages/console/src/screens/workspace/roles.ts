import { sdk } from '../../lib/sdk.js';

const BUILT_IN = ['owner', 'admin', 'member'];

/** Workspace roles to offer: the built-in ones, plus the deployment's custom ones when the caller may list them. */
export async function workspaceRoles(isGlobalAdmin: boolean): Promise<string[]> {
  if (!isGlobalAdmin) return BUILT_IN;
  const roles = await sdk.admin.listRoles('workspace').catch(() => []);
  return [...new Set([...BUILT_IN, ...roles.map((role) => role.name)])];
}
