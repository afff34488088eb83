import type { AppContext } from '../../context.js';
import { AppError, badRequest } from '../../lib/errors.js';
import { passwordProblem } from '../../lib/passwords.js';
import type { AuditActor, AuditTrail } from '../audit/audit-trail.js';
import { normaliseEmail } from '../identity/email.js';
import type { UserRow } from '../identity/user-store.js';
import type { Mailer } from '../mail/mailer.js';
import { type DeletedAccount, deleteAccount, type SoleOwnedWorkspaces } from './deletion.js';
import type { PasswordResets } from './password-reset.js';
import type { AccountService } from './service.js';
import { announceSignOut, endEverySignIn } from './sign-in-revocation.js';
import { AccountStore } from './store.js';

/** Who acts and from where, for the audit trail. */
export interface AdminAct {
  actor: AuditActor;
  ip: string | null;
}

export interface NewUserByAdmin {
  email: string;
  /** Omitted: the account is created without a password and an invitation e-mail lets its owner choose one. */
  password?: string | undefined;
  roles?: string[] | undefined;
  username?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

const userNotFound = () => new AppError(404, 'USER_NOT_FOUND', 'User not found');

/**
 * What a global admin does to other accounts (API `/api/admin/users/*`, CLI `gatehouse users …`). Every
 * change runs in one transaction with its audit record, then tells every instance over the bus.
 */
export class UserAdministration {
  readonly #store: AccountStore;

  constructor(
    private readonly ctx: AppContext,
    private readonly accounts: AccountService,
    private readonly resets: PasswordResets,
    private readonly audit: AuditTrail,
    private readonly mailer: Mailer,
  ) {
    this.#store = new AccountStore(ctx.storage.db);
  }

  /** By id, or by e-mail (the CLI takes either). */
  async find(idOrEmail: string): Promise<UserRow> {
    const user =
      (await this.#store.findById(idOrEmail)) ?? (await this.#store.findByEmail(normaliseEmail(idOrEmail)));
    if (!user) throw userNotFound();
    return user;
  }

  async create(act: AdminAct, input: NewUserByAdmin): Promise<{ user: UserRow; invited: boolean }> {
    const invited = input.password === undefined;
    if (invited) this.mailer.assertAvailable('Creating an account by invitation');
    const user = await this.accounts.createUser({ ...input, password: input.password ?? null });
    if (invited) await this.resets.sendInvitation(user);
    await this.audit.record({
      ...act,
      target: user,
      action: invited ? 'user.invite' : 'user.create',
      detail: { roles: input.roles ?? ['user'] },
    });
    return { user, invited };
  }

  /**
   * Disables an account: it can no longer sign in, and every credential it holds is refused from the next
   * request on, on every instance (the principal loader refuses disabled users; the bus drops caches).
   * Sessions and token families are ended for good; API tokens are kept and work again after enabling.
   */
  async disable(act: AdminAct, userId: string): Promise<UserRow> {
    if (act.actor?.id === userId)
      throw badRequest('You cannot disable your own account', { id: 'is your own account' });
    const now = this.ctx.now();
    const user = await this.ctx.storage.db.transaction().execute(async (trx) => {
      const row = await new AccountStore(trx).setDisabled(userId, now, now);
      if (!row) throw userNotFound();
      await endEverySignIn(trx, userId, now, 'account_disabled');
      await this.audit.record({ ...act, target: row, action: 'user.disable' }, trx);
      return row;
    });
    await announceSignOut(this.ctx.bus, userId);
    return user;
  }

  async enable(act: AdminAct, userId: string): Promise<UserRow> {
    const user = await this.ctx.storage.db.transaction().execute(async (trx) => {
      const row = await new AccountStore(trx).setDisabled(userId, null, this.ctx.now());
      if (!row) throw userNotFound();
      await this.audit.record({ ...act, target: row, action: 'user.enable' }, trx);
      return row;
    });
    await announceSignOut(this.ctx.bus, userId);
    return user;
  }

  delete(act: AdminAct, userId: string, soleOwned: SoleOwnedWorkspaces): Promise<DeletedAccount> {
    return deleteAccount(this.ctx, userId, soleOwned, (trx, user) =>
      this.audit.record(
        {
          ...act,
          target: user,
          action: 'user.delete',
          detail: { soleOwnedWorkspaces: soleOwned.action },
        },
        trx,
      ),
    );
  }

  /** "Sign out everywhere" for someone else: sessions, token families and waiting sign-ins end. */
  async endSessions(act: AdminAct, userId: string): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.storage.db.transaction().execute(async (trx) => {
      const user = await new AccountStore(trx).findById(userId);
      if (!user) throw userNotFound();
      await endEverySignIn(trx, userId, now, 'signed_out_by_admin');
      await this.audit.record({ ...act, target: user, action: 'user.end_sessions' }, trx);
    });
    await announceSignOut(this.ctx.bus, userId);
  }

  /** Sets a password (the rules apply) and ends every sign-in, as a reset does. */
  async setPassword(act: AdminAct, userId: string, password: string): Promise<void> {
    const problem = passwordProblem(password);
    if (problem) throw badRequest(`Password ${problem}`, { password: problem });
    const hash = await this.ctx.hasher.hash(password);
    const now = this.ctx.now();
    await this.ctx.storage.db.transaction().execute(async (trx) => {
      const store = new AccountStore(trx);
      const user = await store.findById(userId);
      if (!user) throw userNotFound();
      await store.replacePassword(userId, hash, now);
      await endEverySignIn(trx, userId, now, 'password_reset');
      await this.audit.record({ ...act, target: user, action: 'user.set_password' }, trx);
    });
    await announceSignOut(this.ctx.bus, userId);
  }

  /** E-mails the user a password-reset link. */
  async sendResetLink(act: AdminAct, userId: string): Promise<void> {
    this.mailer.assertAvailable('Sending a reset link');
    const user = await this.#store.findById(userId);
    if (!user) throw userNotFound();
    await this.resets.sendResetLinkTo(user);
    await this.audit.record({ ...act, target: user, action: 'user.send_reset_link' });
  }

  /** A reset link handed to whoever runs `gatehouse users reset-link` (first-admin recovery without SMTP). */
  async resetLink(act: AdminAct, userId: string): Promise<string> {
    const user = await this.#store.findById(userId);
    if (!user) throw userNotFound();
    const url = await this.resets.issueResetLink(user);
    await this.audit.record({ ...act, target: user, action: 'user.reset_link' });
    return url;
  }
}
