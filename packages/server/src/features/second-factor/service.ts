import type { AppContext } from '../../context.js';
import type { AuthContext } from '../../http/auth-context.js';
import { newId, randomSecret, sha256 } from '../../lib/crypto.js';
import { AppError, badRequest, conflict, unauthorized } from '../../lib/errors.js';
import type { Reauthentication } from '../accounts/reauthentication.js';
import { AccountStore } from '../accounts/store.js';
import { accountBudget, SignInThrottle } from '../accounts/throttle.js';
import { userTag } from '../identity/principals.js';
import type { UserRow } from '../identity/user-store.js';
import { countSignIn } from '../metrics/recorder.js';
import { PASSWORD_AMR, parseAmr } from '../sessions/amr.js';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import { SecondFactorStore } from './store.js';
import { matchTotp, newTotpSecret, totpUri } from './totp.js';

/** How long a password sign-in waits for its second factor. */
export const CHALLENGE_TTL_SECONDS = 5 * 60;
/** Wrong codes one challenge survives; the per-account budget limits guessing across challenges. */
const CHALLENGE_ATTEMPTS = 5;

/** A code from the authenticator app, or one of the recovery codes. */
export type SecondFactorProof = { code: string } | { recoveryCode: string };

/** What a password sign-in asked for, kept until its second factor completes it. */
export interface PendingSignIn {
  user: UserRow;
  authType: 'cookie' | 'oauth';
  remember: boolean;
  workspace: string | undefined;
  /**
   * How the first step authenticated (RFC 8176 `amr` values): `['pwd']` for a password (the default),
   * `['fed']` for a social login. The completed sign-in's `amr` adds the second factor to these.
   */
  firstFactor?: readonly string[];
}

/** A sign-in its second factor completed: what the first step asked for, and every method used (`amr`). */
export interface CompletedSignIn extends PendingSignIn {
  amr: string[];
}

/** RFC 8176: a TOTP or recovery code is a one-time password (`otp`); with the first step, `mfa`. */
const SECOND_FACTOR_AMR = ['otp', 'mfa'];

export interface SecondFactorStatus {
  enabled: boolean;
  /** True between enrolment and its first code. */
  pending: boolean;
  recoveryCodesLeft: number;
}

const invalidCode = () => unauthorized('The code is incorrect or was already used', 'INVALID_SECOND_FACTOR');

/**
 * The TOTP second factor (RFC 6238, through otpauth): enrolment confirmed by a first code, ten hashed
 * recovery codes, and the challenge that completes a password sign-in. Codes are single use (the accepted
 * time step only moves forward, in one conditional UPDATE) and wrong ones count against the same
 * per-account budget as wrong passwords, so a second factor cannot be brute-forced faster than a password.
 */
export class SecondFactorService {
  readonly #store: SecondFactorStore;
  readonly #throttle: SignInThrottle;

  constructor(
    private readonly ctx: AppContext,
    private readonly reauthentication: Reauthentication,
  ) {
    this.#store = new SecondFactorStore(ctx.storage.db);
    this.#throttle = new SignInThrottle(ctx);
  }

  async status(userId: string): Promise<SecondFactorStatus> {
    const factor = await this.#store.find(userId);
    return {
      enabled: factor?.confirmed_at != null,
      pending: factor !== undefined && factor.confirmed_at === null,
      recoveryCodesLeft: factor?.confirmed_at != null ? await this.#store.recoveryCodesLeft(userId) : 0,
    };
  }

  /** Starts enrolment: a new secret, shown once as the otpauth URI (for the QR code) and as text. */
  async enrol(auth: AuthContext): Promise<{ secret: string; otpauthUri: string }> {
    const secret = newTotpSecret();
    const started = await this.#store.startEnrolment(
      auth.user.id,
      this.ctx.secrets.seal(secret),
      this.ctx.now(),
    );
    if (!started)
      throw conflict(
        'A second factor is already on; turn it off first to enrol a new one',
        'SECOND_FACTOR_ENABLED',
      );
    return { secret, otpauthUri: totpUri(secret, auth.user.email, this.ctx.config.mail.productName) };
  }

  /** Confirms enrolment with a first code; returns the recovery codes, shown this once. */
  async confirm(auth: AuthContext, code: string): Promise<string[]> {
    const factor = await this.#store.find(auth.user.id);
    if (!factor || factor.confirmed_at !== null)
      throw conflict('There is no enrolment waiting for a code; start one first', 'NO_PENDING_ENROLMENT');
    const step = matchTotp(this.ctx.secrets.open(factor.secret_sealed), code, this.ctx.now());
    if (step === null) throw badRequest('The code is incorrect', { code: 'is incorrect' });
    const now = this.ctx.now();
    const codes = newRecoveryCodes();
    const confirmed = await this.ctx.storage.db.transaction().execute(async (trx) => {
      const store = new SecondFactorStore(trx);
      if (!(await store.confirm(auth.user.id, step, now))) return false;
      await store.replaceRecoveryCodes(auth.user.id, codes.map(hashRecoveryCode), now);
      await store.setUserFlag(auth.user.id, now);
      return true;
    });
    if (!confirmed)
      throw conflict('There is no enrolment waiting for a code; start one first', 'NO_PENDING_ENROLMENT');
    await this.ctx.bus.publish(userTag(auth.user.id));
    return codes;
  }

  /** Turns the second factor off: needs a current code (or recovery code), or a recent sign-in/password. */
  async disable(
    auth: AuthContext,
    proof: Partial<{ code: string; recoveryCode: string; password: string }>,
  ): Promise<void> {
    await this.#authorise(auth, proof);
    await this.ctx.storage.db.transaction().execute(async (trx) => {
      const store = new SecondFactorStore(trx);
      await store.delete(auth.user.id);
      await store.setUserFlag(auth.user.id, null);
    });
    await this.ctx.bus.publish(userTag(auth.user.id));
  }

  /** New recovery codes (the old ones stop working), with the same proof as turning the factor off. */
  async regenerateRecoveryCodes(
    auth: AuthContext,
    proof: Partial<{ code: string; recoveryCode: string; password: string }>,
  ): Promise<string[]> {
    if (!(await this.status(auth.user.id)).enabled)
      throw conflict('The second factor is off', 'SECOND_FACTOR_NOT_ENABLED');
    await this.#authorise(auth, proof);
    const codes = newRecoveryCodes();
    await this.ctx.storage.db.transaction().execute(async (trx) => {
      await new SecondFactorStore(trx).replaceRecoveryCodes(
        auth.user.id,
        codes.map(hashRecoveryCode),
        this.ctx.now(),
      );
    });
    return codes;
  }

  async #authorise(
    auth: AuthContext,
    proof: Partial<{ code: string; recoveryCode: string; password: string }>,
  ): Promise<void> {
    if (proof.code !== undefined) return this.#verify(auth.user.id, { code: proof.code });
    if (proof.recoveryCode !== undefined)
      return this.#verify(auth.user.id, { recoveryCode: proof.recoveryCode });
    await this.reauthentication.assert(auth, proof.password);
  }

  /** Starts the second step of a password sign-in; returns the challenge (a one-time secret). */
  async startChallenge(pending: PendingSignIn): Promise<{ challenge: string; expiresIn: number }> {
    const challenge = randomSecret();
    const now = this.ctx.now();
    await this.#store.insertChallenge({
      id: newId(),
      token_hash: sha256(challenge),
      user_id: pending.user.id,
      auth_type: pending.authType,
      remember: pending.remember ? 1 : 0,
      workspace_id: pending.workspace ?? null,
      failures: 0,
      amr: JSON.stringify(pending.firstFactor ?? PASSWORD_AMR),
      created_at: now,
      expires_at: now + CHALLENGE_TTL_SECONDS * 1000,
      consumed_at: null,
    });
    return { challenge, expiresIn: CHALLENGE_TTL_SECONDS };
  }

  /**
   * Completes a sign-in with its second factor. The code is checked against the per-account budget and
   * used atomically; then the challenge is used atomically, so one challenge signs in once.
   */
  completeChallenge(challenge: string, proof: SecondFactorProof): Promise<CompletedSignIn> {
    return countSignIn(this.ctx.metrics, 'second_factor', () => this.#completeChallenge(challenge, proof));
  }

  async #completeChallenge(challenge: string, proof: SecondFactorProof): Promise<CompletedSignIn> {
    const now = this.ctx.now();
    const row = await this.#store.findLiveChallenge(sha256(challenge), now);
    if (!row) throw challengeInvalid();
    const user = await new AccountStore(this.ctx.storage.db).findById(row.user_id);
    if (!user) throw challengeInvalid();
    try {
      await this.#verify(user.id, proof);
    } catch (error) {
      if (error instanceof AppError && error.code === 'INVALID_SECOND_FACTOR')
        await this.#store.failChallenge(row.id, CHALLENGE_ATTEMPTS, now);
      throw error;
    }
    if (!(await this.#store.consumeChallenge(row.id, now))) throw challengeInvalid();
    const firstFactor = parseAmr(row.amr) ?? PASSWORD_AMR;
    return {
      user,
      authType: row.auth_type === 'oauth' ? 'oauth' : 'cookie',
      remember: row.remember === 1,
      workspace: row.workspace_id ?? undefined,
      firstFactor,
      amr: [...firstFactor, ...SECOND_FACTOR_AMR],
    };
  }

  /**
   * Checks a code or recovery code within the per-account budget (a guess is reserved before the check,
   * as for passwords), and uses it (one winner). Success gives the budget back.
   */
  async #verify(userId: string, proof: SecondFactorProof): Promise<void> {
    const budget = accountBudget(userId);
    await this.#throttle.reserveGuess(budget);
    if (!(await this.#use(userId, proof))) throw invalidCode();
    await this.#throttle.guessSucceeded(budget);
  }

  async #use(userId: string, proof: SecondFactorProof): Promise<boolean> {
    const now = this.ctx.now();
    if ('recoveryCode' in proof)
      return this.#store.useRecoveryCode(userId, hashRecoveryCode(proof.recoveryCode), now);
    const factor = await this.#store.find(userId);
    if (!factor || factor.confirmed_at === null) return false;
    const step = matchTotp(this.ctx.secrets.open(factor.secret_sealed), proof.code, now);
    return step !== null && (await this.#store.useStep(userId, step));
  }
}

export const challengeInvalid = () =>
  unauthorized('The sign-in has expired or was already completed; sign in again', 'CHALLENGE_INVALID');

/** The 401 a password sign-in answers when a second factor must complete it. */
export function secondFactorRequired(challenge: { challenge: string; expiresIn: number }): AppError {
  return new AppError(401, 'SECOND_FACTOR_REQUIRED', 'Enter the code from your authenticator app', {
    challenge: challenge.challenge,
    expiresIn: challenge.expiresIn,
    methods: ['totp', 'recovery_code'],
  });
}
