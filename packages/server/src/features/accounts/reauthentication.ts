import type { AppContext } from '../../context.js';
import type { AuthContext } from '../../http/auth-context.js';
import { AppError, unauthorized } from '../../lib/errors.js';
import { AccountStore } from './store.js';
import { accountBudget, SignInThrottle } from './throttle.js';

/**
 * "Recent authentication" for sensitive changes (deleting the account, changing the e-mail, turning off the
 * second factor): the credential's sign-in is at most GATEHOUSE_REAUTHENTICATION_WINDOW old, or the request
 * carries the current password. A wrong password counts against the same per-account budget as sign-in,
 * so a stolen session cannot guess the password here at full speed.
 */
export class Reauthentication {
  readonly #store: AccountStore;
  readonly #throttle: SignInThrottle;

  constructor(private readonly ctx: AppContext) {
    this.#store = new AccountStore(ctx.storage.db);
    this.#throttle = new SignInThrottle(ctx);
  }

  async assert(auth: AuthContext, password: string | undefined): Promise<void> {
    if (password !== undefined) return this.verifyPassword(auth.user.id, password);
    if (this.isRecent(auth)) return;
    throw new AppError(
      403,
      'REAUTHENTICATION_REQUIRED',
      'This needs a recent sign-in: send your current password as "password", or sign in again',
    );
  }

  /** True when the credential's sign-in is at most GATEHOUSE_REAUTHENTICATION_WINDOW old. */
  isRecent(auth: AuthContext): boolean {
    const window = this.ctx.config.accounts.reauthenticationWindow * 1000;
    return auth.authenticatedAt !== undefined && this.ctx.now() - auth.authenticatedAt <= window;
  }

  /** Checks the user's current password, throttled by the per-account budget. */
  async verifyPassword(userId: string, password: string): Promise<void> {
    const user = await this.#store.findById(userId);
    if (!user) throw unauthorized();
    const budget = accountBudget(userId);
    await this.#throttle.reserveGuess(budget);
    const ok = user.password_hash ? await this.ctx.hasher.verify(user.password_hash, password) : false;
    if (!ok)
      throw new AppError(403, 'INVALID_PASSWORD', 'The password is incorrect', {
        errors: { password: 'is incorrect' },
      });
    await this.#throttle.guessSucceeded(budget);
  }
}
