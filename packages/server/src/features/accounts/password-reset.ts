import type { AppContext } from '../../context.js';
import { sha256 } from '../../lib/crypto.js';
import { AppError, badRequest } from '../../lib/errors.js';
import { passwordProblem } from '../../lib/passwords.js';
import { normaliseEmail } from '../identity/email.js';
import { accountDisabled } from '../identity/principals.js';
import type { UserRow } from '../identity/user-store.js';
import type { Mailer } from '../mail/mailer.js';
import { invitationMessage, passwordResetMessage } from '../mail/templates.js';
import { AccountLinkStore } from './link-store.js';
import { AccountLinks, afterAnswer, LINK_INVALID_MESSAGE } from './links.js';
import { MailThrottle } from './mail-throttle.js';
import { announceSignOut, endEverySignIn } from './sign-in-revocation.js';
import { AccountStore } from './store.js';
import { accountBudget, SignInThrottle } from './throttle.js';

export const linkInvalid = () => new AppError(400, 'LINK_INVALID', LINK_INVALID_MESSAGE);

/**
 * Password reset by e-mail (OWASP Forgot Password cheat sheet) and the first password of an account an
 * admin created by invitation, which is the same act: a one-time link proves the mailbox, and the new
 * password replaces whatever was there.
 */
export class PasswordResets {
  readonly #store: AccountStore;
  readonly #links: AccountLinks;
  readonly #throttle: MailThrottle;
  readonly #lockout: SignInThrottle;

  constructor(
    private readonly ctx: AppContext,
    private readonly mailer: Mailer,
  ) {
    this.#store = new AccountStore(ctx.storage.db);
    this.#links = new AccountLinks(ctx);
    this.#throttle = new MailThrottle(ctx);
    this.#lockout = new SignInThrottle(ctx);
  }

  /**
   * `POST /api/password/forgot`. The answer is the same whether or not the address has an account:
   * same status, same body, and the same timing, because looking the account up, storing the link and
   * queueing the message all happen after the answer has been decided (and are not awaited by it).
   */
  async forgot(rawEmail: string, ip: string): Promise<void> {
    this.mailer.assertAvailable('Password reset');
    const email = normaliseEmail(rawEmail);
    await this.#throttle.check('reset', email, ip);
    afterAnswer(this.ctx, 'password reset', () => this.#sendResetLink(email));
  }

  async #sendResetLink(email: string): Promise<void> {
    const user = await this.#store.findByEmail(email);
    // Nothing for unknown or disabled accounts; the requester cannot tell (see forgot()).
    if (!user || user.disabled_at !== null) return;
    await this.sendResetLinkTo(user);
  }

  /** Issues a reset link and e-mails it to the account. */
  async sendResetLinkTo(user: Pick<UserRow, 'id' | 'email'>): Promise<void> {
    const url = await this.issueResetLink(user);
    this.mailer.send(
      passwordResetMessage(
        user.email,
        this.#links.brand,
        url,
        this.ctx.config.accounts.passwordResetTtl / 60,
      ),
    );
  }

  /** A reset link for this user (the e-mail above, an admin's "send reset link", `gatehouse users reset-link`). */
  issueResetLink(user: Pick<UserRow, 'id'>): Promise<string> {
    return this.#links.issue(this.ctx.storage.db, {
      userId: user.id,
      purpose: 'password_reset',
      ttlSeconds: this.ctx.config.accounts.passwordResetTtl,
    });
  }

  /** Sends an account an admin just created the link to choose its first password. */
  async sendInvitation(user: Pick<UserRow, 'id' | 'email'>): Promise<void> {
    const ttl = this.ctx.config.accounts.invitationTtl;
    const url = await this.#links.issue(this.ctx.storage.db, {
      userId: user.id,
      purpose: 'invitation',
      ttlSeconds: ttl,
    });
    this.mailer.send(invitationMessage(user.email, this.#links.brand, url, Math.round(ttl / 86_400)));
  }

  /** Whether a link can still be used (the reset page checks before showing its form). */
  async isUsable(token: string): Promise<boolean> {
    const link = await new AccountLinkStore(this.ctx.storage.db).findUsable(
      sha256(token),
      ['password_reset', 'invitation'],
      this.ctx.now(),
    );
    return link !== undefined;
  }

  /**
   * `POST /api/password/reset`: uses the link and sets the password, all or nothing. The password rules are
   * checked (and the hash computed) before the link is touched, so a refused password does not burn it.
   * In the same transaction every session, token family, waiting sign-in and pending reset of the account
   * ends; API tokens stay (they are separate credentials; docs/accounts.md). A reset link proves the
   * mailbox, so the address counts as verified from then on; the account's sign-in lockout is lifted.
   */
  async reset(token: string, newPassword: string): Promise<UserRow> {
    const problem = passwordProblem(newPassword);
    if (problem) throw badRequest(`Password ${problem}`, { newPassword: problem });
    const passwordHash = await this.ctx.hasher.hash(newPassword);
    const now = this.ctx.now();
    const user = await this.ctx.storage.db.transaction().execute(async (trx) => {
      const link = await new AccountLinkStore(trx).consume(
        sha256(token),
        ['password_reset', 'invitation'],
        now,
      );
      if (!link) throw linkInvalid();
      const store = new AccountStore(trx);
      const row = await store.findById(link.user_id);
      if (!row) throw linkInvalid();
      if (row.disabled_at !== null) throw accountDisabled();
      await store.replacePassword(row.id, passwordHash, now);
      await store.markEmailVerified(row.id, now);
      await endEverySignIn(trx, row.id, now, 'password_reset');
      return row;
    });
    await announceSignOut(this.ctx.bus, user.id);
    // Proving control of the mailbox gives the account's password-guess budget back.
    await this.#lockout.guessSucceeded(accountBudget(user.id));
    return user;
  }
}
