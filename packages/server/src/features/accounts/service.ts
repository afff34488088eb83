import type { AppContext } from '../../context.js';
import type { ActiveWorkspace } from '../../http/auth-context.js';
import { newId } from '../../lib/crypto.js';
import { AppError, badRequest, conflict, forbidden, unauthorized } from '../../lib/errors.js';
import { passwordProblem } from '../../lib/passwords.js';
import { isUniqueViolation } from '../../storage/database.js';
import { requireEmail } from '../identity/email.js';
import { identifierKey, normaliseUsername, usernameProblem } from '../identity/identifiers.js';
import { MembershipStore } from '../identity/membership-store.js';
import { userTag } from '../identity/principals.js';
import type { UserRow } from '../identity/user-store.js';
import { countSignIn } from '../metrics/recorder.js';
import { namesFrom, normaliseBirthDate, normalisePhone } from './profile-fields.js';
import { announceSignOut, endEverySignIn, type SignInToKeep } from './sign-in-revocation.js';
import { AccountStore, type ProfileChanges } from './store.js';
import { accountBudget, RightGuess, SignInThrottle } from './throttle.js';

/** A session asked for in a workspace the user is not in: refused rather than silently placed elsewhere. */
export const notAMember = () => forbidden('You are not a member of this workspace', 'NOT_A_MEMBER');

export interface SignupInput {
  email: string;
  /** Null for an account an admin creates by invitation: its owner chooses the password from the e-mail. */
  password: string | null;
  username?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  fullName?: string | undefined;
  phone?: string | undefined;
  birthDate?: string | undefined;
}

/** One message for unknown user and wrong password alike, so sign-in never tells which accounts exist. */
const BAD_CREDENTIALS = 'Incorrect username or password';

/** Accounts: creation, password sign-in, profile and password changes. */
export class AccountService {
  readonly store: AccountStore;
  readonly #memberships: MembershipStore;
  readonly #throttle: SignInThrottle;

  constructor(private readonly ctx: AppContext) {
    this.store = new AccountStore(ctx.storage.db);
    this.#memberships = new MembershipStore(ctx.storage.db);
    this.#throttle = new SignInThrottle(ctx);
  }

  /** Creates an account with a checked password; used by sign-up, the CLI and the bootstrap admin. */
  async createUser(input: SignupInput & { roles?: string[]; emailVerified?: boolean }): Promise<UserRow> {
    const email = requireEmail(input.email);
    const username = input.username === undefined ? email : normaliseUsername(input.username);
    const usernameIssue = usernameProblem(username, email);
    if (usernameIssue) throw badRequest(`Username ${usernameIssue}`, { username: usernameIssue });
    const problem = input.password === null ? null : passwordProblem(input.password);
    if (problem) throw badRequest(`Password ${problem}`, { password: problem });
    const phone = normalisePhone(input.phone);
    const birthDate = normaliseBirthDate(input.birthDate, this.ctx.now());
    const { firstName, lastName } = namesFrom(input);
    const passwordHash = input.password === null ? null : await this.ctx.hasher.hash(input.password);
    try {
      return await this.store.insert({
        id: newId(),
        email,
        username,
        passwordHash,
        firstName: firstName?.trim() ?? '',
        lastName: lastName?.trim() ?? '',
        phone,
        birthDate,
        roles: input.roles ?? ['user'],
        now: this.ctx.now(),
        emailVerified: input.emailVerified === true,
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict('An account with this email or username already exists', 'USER_EXISTS');
      throw error;
    }
  }

  /** Self-service sign-up, when the configuration opens it. */
  async signup(input: SignupInput & { password: string }, ip: string): Promise<UserRow> {
    if (this.ctx.config.signup !== 'open')
      throw forbidden('Sign-up is closed on this server', 'SIGNUP_CLOSED');
    await this.#throttle.checkClient(ip);
    return this.createUser(input);
  }

  /**
   * Password sign-in by e-mail or username. A guess is taken from the account's budget before the hash runs
   * (SignInThrottle), so concurrent guesses cannot outrun the lockout. Unknown user and wrong password take
   * the same time and give the same answer (a dummy hash is verified for unknown users).
   */
  authenticate(login: string, password: string, ip: string): Promise<UserRow> {
    return countSignIn(this.ctx.metrics, 'password', async () => {
      const { user, guess } = await this.#authenticate(login, password, ip);
      await guess?.settle();
      return user;
    });
  }

  /**
   * `authenticate` for a sign-in that starts a session: a right password's budget starts over in the
   * session's own write (`guess`, throttle.ts) instead of a write of its own. The caller must `settle` it
   * before it answers, whatever the answer. Undefined `guess`: nothing to settle (a second factor follows).
   */
  authenticateForSession(
    login: string,
    password: string,
    ip: string,
  ): Promise<{ user: UserRow; guess: RightGuess | undefined }> {
    return countSignIn(this.ctx.metrics, 'password', () => this.#authenticate(login, password, ip));
  }

  async #authenticate(
    login: string,
    password: string,
    ip: string,
  ): Promise<{ user: UserRow; guess: RightGuess | undefined }> {
    // The client's window, the look-up and the guess's reservation: one database step (throttle.ts).
    const { user, budget } = await this.#throttle.admitPasswordGuess(ip, identifierKey(login));
    const ok = user?.password_hash
      ? await this.ctx.hasher.verify(user.password_hash, password)
      : await this.ctx.hasher.verifyDummy(password);
    if (!user || !ok) throw unauthorized(BAD_CREDENTIALS, 'INVALID_CREDENTIALS');
    // With a second factor the sign-in is not over yet: starting the count over here would let someone who
    // knows the password reset it between rounds of guessing codes. Only this guess is given back; the
    // second factor's success starts the count over.
    const guess = user.second_factor_at === null ? new RightGuess(budget, this.#throttle) : undefined;
    if (!guess) await this.#throttle.guessRefunded(budget);
    try {
      if (user.password_hash && this.ctx.hasher.needsRehash(user.password_hash)) {
        await this.store.setPasswordHash(user.id, await this.ctx.hasher.hash(password), this.ctx.now());
      }
    } catch (error) {
      await guess?.settle();
      throw error;
    }
    return { user, guess };
  }

  /**
   * The workspace a new session starts in: the one asked for (if a member), else the last used, else the
   * user's first (identity/membership-store.ts, one query). Asking for a workspace the user is not in is
   * refused rather than silently ignored.
   */
  async resolveWorkspace(user: UserRow, requested: string | undefined): Promise<ActiveWorkspace | null> {
    const choice = { requested: requested || null, last: user.last_workspace_id };
    const chosen = await this.#memberships.chosen(user.id, choice);
    if (choice.requested !== null && !chosen) throw notAMember();
    return chosen ?? null;
  }

  async rememberWorkspace(userId: string, workspaceId: string | null): Promise<void> {
    await this.store.setLastWorkspace(userId, workspaceId);
  }

  async updateProfile(userId: string, changes: ProfileChanges): Promise<UserRow> {
    changes = {
      ...changes,
      ...(changes.phone !== undefined && { phone: normalisePhone(changes.phone) }),
      ...(changes.birthDate !== undefined && {
        birthDate: normaliseBirthDate(changes.birthDate, this.ctx.now()),
      }),
    };
    if (changes.username !== undefined) {
      const user = await this.store.findById(userId);
      if (!user) throw unauthorized();
      const username = normaliseUsername(changes.username);
      const problem = usernameProblem(username, user.email);
      if (problem) throw badRequest(`Username ${problem}`, { username: problem });
      changes = { ...changes, username };
    }
    try {
      const row = await this.store.updateProfile(userId, changes, this.ctx.now());
      if (!row) throw unauthorized();
      await this.ctx.bus.publish(userTag(userId));
      return row;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('This username is taken', 'USERNAME_TAKEN');
      throw error;
    }
  }

  /** "Sign out everywhere else": every other session, token family and waiting sign-in ends, at once. */
  async signOutElsewhere(userId: string, keep: SignInToKeep): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.storage.db
      .transaction()
      .execute((trx) => endEverySignIn(trx, userId, now, 'logout', keep));
    await announceSignOut(this.ctx.bus, userId);
  }

  /**
   * Checks the current password and stores the new one, ending every other sign-in of the user (OWASP: a
   * thief's session dies with the old password) in the same transaction; `keep` is the caller's own. The
   * check draws on the same per-account budget as sign-in: a stolen session must not become a way to
   * guess the password at full speed.
   */
  /**
   * Sets a new password for a user who proved a recent sign-in (no current password to check): the new
   * hash and the end of every other sign-in commit together, as in changePassword.
   */
  async setPassword(userId: string, newPassword: string, keep: SignInToKeep): Promise<void> {
    const problem = passwordProblem(newPassword);
    if (problem) throw badRequest(`Password ${problem}`, { password: problem });
    const hash = await this.ctx.hasher.hash(newPassword);
    const now = this.ctx.now();
    await this.ctx.storage.db.transaction().execute(async (trx) => {
      await new AccountStore(trx).replacePassword(userId, hash, now);
      await endEverySignIn(trx, userId, now, 'password_change', keep);
    });
    await announceSignOut(this.ctx.bus, userId);
  }

  async changePassword(
    userId: string,
    currentPassword: string,
    newPassword: string,
    keep: SignInToKeep,
  ): Promise<void> {
    const user = await this.store.findById(userId);
    if (!user) throw unauthorized();
    const problem = passwordProblem(newPassword);
    if (problem) throw badRequest(`Password ${problem}`, { newPassword: problem });
    const budget = accountBudget(userId);
    await this.#throttle.reserveGuess(budget);
    const ok = user.password_hash ? await this.ctx.hasher.verify(user.password_hash, currentPassword) : false;
    if (!ok)
      throw new AppError(400, 'INVALID_PASSWORD', 'The current password is incorrect', {
        errors: { currentPassword: 'is incorrect' },
      });
    await this.#throttle.guessSucceeded(budget);
    const hash = await this.ctx.hasher.hash(newPassword);
    const now = this.ctx.now();
    // All or nothing (issue 17): a password stored while the thief's sessions live on would be worse than
    // no change at all, so the new hash and the end of every other sign-in commit together.
    await this.ctx.storage.db.transaction().execute(async (trx) => {
      await new AccountStore(trx).replacePassword(userId, hash, now);
      await endEverySignIn(trx, userId, now, 'password_change', keep);
    });
    await announceSignOut(this.ctx.bus, userId);
  }
}
