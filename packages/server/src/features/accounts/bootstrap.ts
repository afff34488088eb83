import { randomBytes } from 'node:crypto';
import type { Config } from '../../config/load.js';
import { AppError } from '../../lib/errors.js';
import type { AccountService } from './service.js';

export interface BootstrapResult {
  email: string;
  /** Set only when Gatehouse generated the password: it is printed once and never stored in clear. */
  generatedPassword?: string;
}

/**
 * On first start (no admin yet), creates the first admin from GATEHOUSE_ADMIN_EMAIL / _PASSWORD, or with a
 * generated password. Returns undefined when an admin already exists.
 */
export async function bootstrapAdmin(
  accounts: AccountService,
  admin: Config['admin'],
): Promise<BootstrapResult | undefined> {
  if ((await accounts.store.countAdmins()) > 0) return undefined;
  const generatedPassword = admin.password ? undefined : randomBytes(18).toString('base64url');
  let user: { email: string };
  try {
    user = await accounts.createUser({
      email: admin.email,
      password: admin.password ?? generatedPassword!,
      roles: ['admin', 'user'],
      // Nobody can click a link for admin@localhost: the configured address is taken as proven.
      emailVerified: true,
    });
  } catch (error) {
    // Several instances starting together on a fresh database: another one created the admin first.
    if (error instanceof AppError && error.code === 'USER_EXISTS' && (await accounts.store.countAdmins()) > 0)
      return undefined;
    throw error;
  }
  return { email: user.email, ...(generatedPassword && { generatedPassword }) };
}
