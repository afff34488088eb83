import type { Config } from '../config/load.js';
import type { UserAdministration } from '../features/accounts/administration.js';
import type { SoleOwnedWorkspaces } from '../features/accounts/deletion.js';
import type { UserRow } from '../features/identity/user-store.js';
import { parseRoles } from '../features/identity/user-view.js';
import type { Services } from '../services.js';
import { withCommandApp } from './command-app.js';

type Write = (line: string) => void;
const stdout: Write = (line) => process.stdout.write(`${line}\n`);

/** Whoever runs the command line on the server: recorded in the audit trail with no actor. */
const CLI = { actor: null, ip: null };

function describe(user: UserRow): string {
  const flags = [
    user.disabled_at !== null ? 'disabled' : 'active',
    user.email_verified_at !== null ? 'verified' : 'unverified',
    ...(user.second_factor_at !== null ? ['2fa'] : []),
  ];
  return `${user.id}  ${user.email}  [${parseRoles(user).join(',')}]  ${flags.join(' ')}`;
}

/** Listing and showing read only; every other action writes (and migrates an empty database). */
const READ_ONLY_ACTIONS = new Set(['list', 'show']);

function withServices<T>(
  config: Config,
  action: string,
  work: (services: Services) => Promise<T>,
): Promise<T> {
  return withCommandApp(config, READ_ONLY_ACTIONS.has(action) ? 'read' : 'write', (app) =>
    work(app.gatehouse),
  );
}

export interface UserCommandOptions {
  search?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  soleOwned?: SoleOwnedWorkspaces | undefined;
  password?: string | undefined;
}

/**
 * `gatehouse users list|show|disable|enable|delete|set-password|reset-link`: the admin API's account
 * actions for whoever runs the server, e.g. to recover the first admin without SMTP (docs/getting-started.md).
 */
export async function userAdminCommand(
  config: Config,
  action: string,
  target: string | undefined,
  options: UserCommandOptions,
  write: Write = stdout,
): Promise<void> {
  await withServices(config, action, async (services) => {
    const admin: UserAdministration = services.userAdmin;
    if (action === 'list') {
      const rows = await services.admin.listUsers({
        search: options.search,
        limit: options.limit ?? 50,
        offset: options.offset ?? 0,
      });
      for (const row of rows) write(describe(row));
      if (rows.length === 0) write('no users');
      return;
    }
    if (!target) throw new Error(`usage: gatehouse users ${action} <email or id>`);
    const user = await admin.find(target);
    switch (action) {
      case 'show':
        return write(describe(user));
      case 'disable':
        return write(describe(await admin.disable(CLI, user.id)));
      case 'enable':
        return write(describe(await admin.enable(CLI, user.id)));
      case 'delete': {
        const deleted = await admin.delete(CLI, user.id, options.soleOwned ?? { action: 'refuse' });
        return write(
          `deleted ${deleted.user.email}${deleted.deletedWorkspaces.length ? `; deleted workspaces ${deleted.deletedWorkspaces.join(', ')}` : ''}${deleted.transferredWorkspaces.length ? `; transferred ${deleted.transferredWorkspaces.join(', ')}` : ''}`,
        );
      }
      case 'set-password':
        if (options.password === undefined) throw new Error('no password given');
        await admin.setPassword(CLI, user.id, options.password);
        return write(`password set for ${user.email}; every session was signed out`);
      case 'reset-link':
        write(await admin.resetLink(CLI, user.id));
        return write(
          `(single use, valid ${Math.round(config.accounts.passwordResetTtl / 60)} minutes: open it to choose a new password)`,
        );
      default:
        throw new Error(`unknown users command "${action}"`);
    }
  });
}
