import type { AppContext } from '../../context.js';
import { sha256 } from '../../lib/crypto.js';
import { badRequest, conflict } from '../../lib/errors.js';
import { isUniqueViolation } from '../../storage/database.js';
import { looksLikeEmail, normaliseEmail } from '../identity/email.js';
import { userTag } from '../identity/principals.js';
import type { UserRow } from '../identity/user-store.js';
import type { Mailer } from '../mail/mailer.js';
import { emailChangeMessage, emailChangeNotice, verificationMessage } from '../mail/templates.js';
import { AccountLinkStore } from './link-store.js';
import { AccountLinks, afterAnswer } from './links.js';
import { MailThrottle } from './mail-throttle.js';
import { linkInvalid } from './password-reset.js';
import { AccountStore } from './store.js';

export type VerifiedLink = { purpose: 'email_verification' | 'email_change'; user: UserRow };

/**
 * Proving that an address belongs to its account: a link at sign-up and on request (resend), and the
 * confirmation of a new address, which replaces the old one only when the link sent to it is used.
 */
export class EmailVerification {
  readonly #store: AccountStore;
  readonly #links: AccountLinks;
  readonly #throttle: MailThrottle;

  constructor(
    private readonly ctx: AppContext,
    private readonly mailer: Mailer,
  ) {
    this.#store = new AccountStore(ctx.storage.db);
    this.#links = new AccountLinks(ctx);
    this.#throttle = new MailThrottle(ctx);
  }

  #hours(): number {
    return Math.round(this.ctx.config.accounts.emailVerificationTtl / 3600);
  }

  /** Sends the verification link for the user's current address (sign-up, resend). */
  async sendLink(user: Pick<UserRow, 'id' | 'email'>): Promise<void> {
    const url = await this.#links.issue(this.ctx.storage.db, {
      userId: user.id,
      purpose: 'email_verification',
      email: user.email,
      ttlSeconds: this.ctx.config.accounts.emailVerificationTtl,
    });
    this.mailer.send(verificationMessage(user.email, this.#links.brand, url, this.#hours()));
  }

  /**
   * `POST /api/email/verify/resend`: like the password reset request, the same answer (and timing) for
   * every address; the look-up and the message happen after it.
   */
  async resend(rawEmail: string, ip: string): Promise<void> {
    this.mailer.assertAvailable('E-mail verification');
    const email = normaliseEmail(rawEmail);
    await this.#throttle.check('verify', email, ip);
    afterAnswer(this.ctx, 'e-mail verification', () => this.#resendTo(email));
  }

  async #resendTo(email: string): Promise<void> {
    const user = await this.#store.findByEmail(email);
    if (!user || user.disabled_at !== null || user.email_verified_at !== null) return;
    await this.sendLink(user);
  }

  /**
   * `POST /api/me/email`: sends a link to the new address and a notice to the old one. Nothing changes
   * until the link is used; whether the new address is taken is only said to whoever confirms it.
   */
  async requestChange(userId: string, rawEmail: string, ip: string): Promise<void> {
    this.mailer.assertAvailable('Changing the e-mail address');
    const email = normaliseEmail(rawEmail);
    if (!looksLikeEmail(email))
      throw badRequest('Invalid email address', { email: 'is not a valid email address' });
    const user = await this.#store.findById(userId);
    if (!user) throw linkInvalid();
    if (user.email === email)
      throw badRequest('This is already your address', { email: 'is your current address' });
    await this.#throttle.check('change', email, ip);
    const url = await this.#links.issue(this.ctx.storage.db, {
      userId,
      purpose: 'email_change',
      email,
      ttlSeconds: this.ctx.config.accounts.emailVerificationTtl,
    });
    this.mailer.send(emailChangeMessage(email, this.#links.brand, url, this.#hours()));
    this.mailer.send(emailChangeNotice(user.email, this.#links.brand, email));
  }

  /**
   * `POST /api/email/verify`: uses a verification or change link in one transaction. A verification link
   * is only good for the address it was sent to (a change since then voids it). A change also moves a
   * username that was the old address, so the old address no longer signs in.
   */
  async verify(token: string): Promise<VerifiedLink> {
    const now = this.ctx.now();
    const result = await this.ctx.storage.db.transaction().execute(async (trx): Promise<VerifiedLink> => {
      const link = await new AccountLinkStore(trx).consume(
        sha256(token),
        ['email_verification', 'email_change'],
        now,
      );
      if (!link?.email) throw linkInvalid();
      const store = new AccountStore(trx);
      const user = await store.findById(link.user_id);
      if (!user) throw linkInvalid();
      if (link.purpose === 'email_verification') {
        if (user.email !== link.email) throw linkInvalid();
        await store.markEmailVerified(user.id, now);
        return { purpose: 'email_verification', user };
      }
      const changed = await store.confirmEmailChange(user, link.email, now).catch((error: unknown) => {
        if (isUniqueViolation(error))
          throw conflict('Another account already uses this address', 'EMAIL_TAKEN');
        throw error;
      });
      return { purpose: 'email_change', user: changed };
    });
    await this.ctx.bus.publish(userTag(result.user.id));
    return result;
  }
}
