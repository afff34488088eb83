import type { AppContext } from '../../context.js';
import { AppError, conflict } from '../../lib/errors.js';
import { isUniqueViolation } from '../../storage/database.js';
import type { AccountService } from '../accounts/service.js';
import { AccountStore } from '../accounts/store.js';
import { looksLikeEmail, normaliseEmail } from '../identity/email.js';
import type { UserRow } from '../identity/user-store.js';
import { type IdentityRow, IdentityStore } from './identity-store.js';
import type { ResolvedProvider } from './providers.js';
import type { UpstreamProfile } from './upstream.js';

/** A refusal after the provider authenticated the person: sent back to the application as `?error=<code>`. */
export type LinkRefusal =
  | 'SOCIAL_IDENTITY_IN_USE'
  | 'SOCIAL_EMAIL_UNVERIFIED'
  | 'SOCIAL_ACCOUNT_UNVERIFIED'
  | 'SOCIAL_SIGNUP_CLOSED';

export class LinkRefused extends AppError<LinkRefusal> {
  constructor(code: LinkRefusal, message: string) {
    super(409, code, message);
  }
}

/** A linked identity as its owner (and the account export) sees it: never a token. */
export interface IdentityView {
  provider: string;
  subject: string;
  email: string | null;
  linkedAt: string;
  lastUsedAt: string | null;
}

export function identityView(row: IdentityRow): IdentityView {
  return {
    provider: row.provider,
    subject: row.subject,
    email: row.email,
    linkedAt: new Date(row.linked_at).toISOString(),
    lastUsedAt: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
  };
}

/**
 * Which account a social sign-in belongs to (SECURITY.md, "Social"; docs/social-login.md, "Linking rules"):
 * 1. an identity already linked signs in to its account;
 * 2. a signed-in user who started the login links the identity to their own account;
 * 3. an existing account is linked only through an e-mail the provider asserts as verified, and only when
 *    that account's own address was confirmed too (otherwise whoever pre-registered the address with a
 *    password would share the account with its real owner: "pre-account takeover");
 * 4. otherwise a new account is created, when the provider allows it and sign-up is open, and only with a
 *    verified address (it is the account's sign-in identifier and is marked verified).
 */
export class SocialIdentities {
  readonly #store: IdentityStore;
  readonly #users: AccountStore;

  constructor(
    private readonly ctx: AppContext,
    private readonly accounts: AccountService,
  ) {
    this.#store = new IdentityStore(ctx.storage.db);
    this.#users = new AccountStore(ctx.storage.db);
  }

  async resolveAccount(
    provider: ResolvedProvider,
    profile: UpstreamProfile,
    linkUserId: string | null,
  ): Promise<UserRow> {
    try {
      return await this.#resolve(provider, profile, linkUserId);
    } catch (error) {
      // Two callbacks for one new identity raced (two tabs, two instances): the loser finds the winner's link.
      if (!isUniqueViolation(error) && !(error instanceof AppError && error.code === 'USER_EXISTS'))
        throw error;
      return this.#resolve(provider, profile, linkUserId);
    }
  }

  async #resolve(
    provider: ResolvedProvider,
    profile: UpstreamProfile,
    linkUserId: string | null,
  ): Promise<UserRow> {
    const now = this.ctx.now();
    const email =
      profile.email && looksLikeEmail(normaliseEmail(profile.email)) ? normaliseEmail(profile.email) : null;
    const verifiedEmail = profile.emailVerified ? email : null;
    const linked = await this.#store.find(provider.name, profile.subject);

    if (linkUserId !== null) {
      if (linked && linked.user_id !== linkUserId)
        throw new LinkRefused(
          'SOCIAL_IDENTITY_IN_USE',
          `This ${provider.displayName} account is already linked to another account`,
        );
      const user = await this.#user(linkUserId);
      if (!linked) await this.#link(provider, profile, user.id, email, now);
      else await this.#store.touch(provider.name, profile.subject, email, now);
      // The provider proved the address the account signs in with: that counts as its verification.
      if (verifiedEmail === user.email) await this.#users.markEmailVerified(user.id, now);
      return this.#user(user.id);
    }

    if (linked) {
      await this.#store.touch(provider.name, profile.subject, email, now);
      return this.#user(linked.user_id);
    }

    const existing = email ? await this.#users.findByEmail(email) : undefined;
    if (existing) {
      if (verifiedEmail === null)
        throw new LinkRefused(
          'SOCIAL_EMAIL_UNVERIFIED',
          `${provider.displayName} does not say it verified ${email}: sign in with your password and link it from your profile`,
        );
      if (existing.email_verified_at === null && existing.password_hash !== null)
        throw new LinkRefused(
          'SOCIAL_ACCOUNT_UNVERIFIED',
          'An account with this e-mail exists but its address was never confirmed: sign in with its password and link from your profile',
        );
      await this.#link(provider, profile, existing.id, email, now);
      await this.#users.markEmailVerified(existing.id, now);
      return this.#user(existing.id);
    }

    if (!provider.autoRegister || this.ctx.config.signup !== 'open')
      throw new LinkRefused('SOCIAL_SIGNUP_CLOSED', 'There is no account for you here and sign-up is closed');
    if (verifiedEmail === null)
      throw new LinkRefused(
        'SOCIAL_EMAIL_UNVERIFIED',
        `${provider.displayName} gave no verified e-mail address, which a new account needs`,
      );
    const user = await this.accounts.createUser({
      email: verifiedEmail,
      password: null,
      firstName: profile.firstName.slice(0, 100),
      lastName: profile.lastName.slice(0, 100),
      emailVerified: true,
    });
    await this.#link(provider, profile, user.id, email, now);
    return user;
  }

  async #link(
    provider: ResolvedProvider,
    profile: UpstreamProfile,
    userId: string,
    email: string | null,
    now: number,
  ): Promise<void> {
    await this.#store.insert({
      provider: provider.name,
      subject: profile.subject,
      user_id: userId,
      email,
      linked_at: now,
      last_used_at: now,
    });
  }

  async #user(id: string): Promise<UserRow> {
    const user = await this.#users.findById(id);
    if (!user) throw new AppError(404, 'USER_NOT_FOUND', 'The account no longer exists');
    return user;
  }

  async list(userId: string): Promise<IdentityView[]> {
    return (await this.#store.listForUser(userId)).map(identityView);
  }

  /** Unlinks, unless it is the last way to sign in to the account. */
  async remove(userId: string, provider: string, subject: string): Promise<void> {
    const outcome = await this.#store.remove(userId, provider, subject);
    if (outcome === 'not_found') throw new AppError(404, 'IDENTITY_NOT_FOUND', 'No such linked identity');
    if (outcome === 'last_sign_in_method')
      throw conflict(
        'This is the only way to sign in to your account: set a password or link another provider first',
        'LAST_SIGN_IN_METHOD',
      );
  }
}
