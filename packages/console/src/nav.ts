/**
 * The console's navigation. A screen added later (social providers, OAuth clients, connected apps…) is one
 * entry here and one in routes.tsx; `admin` sections are shown to global admins only (the API refuses
 * everyone else regardless).
 */
export interface NavItem {
  path: string;
  label: string;
}

export interface NavSection {
  heading: string;
  admin?: boolean;
  items: NavItem[];
}

export const NAV: NavSection[] = [
  {
    heading: 'Account',
    items: [
      { path: '/profile', label: 'Profile' },
      { path: '/security', label: 'Security' },
      { path: '/tokens', label: 'API tokens' },
    ],
  },
  {
    heading: 'Workspaces',
    items: [{ path: '/workspaces', label: 'Your workspaces' }],
  },
  {
    heading: 'Administration',
    admin: true,
    items: [
      { path: '/admin/users', label: 'Users' },
      { path: '/admin/workspaces', label: 'All workspaces' },
      { path: '/admin/roles', label: 'Roles' },
      { path: '/admin/settings', label: 'Authentication' },
      { path: '/admin/providers', label: 'Social sign-in' },
      { path: '/admin/oauth-clients', label: 'OAuth clients' },
      { path: '/admin/audit', label: 'Audit log' },
    ],
  },
];

/** The nav item a path belongs to (`/workspaces/abc` → "Your workspaces"). */
export function activeItem(path: string): string | undefined {
  const items = NAV.flatMap((section) => section.items.map((item) => item.path));
  return items
    .filter((item) => path === item || path.startsWith(`${item}/`))
    .sort((a, b) => b.length - a.length)[0];
}
