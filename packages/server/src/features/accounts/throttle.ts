import { isIPv6 } from 'node:net';
import type { Config } from '../../config/load.js';
import type { AppContext } from '../../context.js';
import { AppError, tooManyRequests } from '../../lib/errors.js';
import type { UserRow } from '../identity/user-store.js';
import {
  ACCOUNT_BUDGET_PREFIX,
  type LockoutPolicy,
  type Reservation,
  ThrottleStore,
} from './throttle-store.js';

/** IPv6 clients get a whole /64 each, so an attacker cannot rotate through their own prefix. */
export function clientBucket(ip: string): string {
  const address = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => Number.parseInt(g || '0', 16).toString(16))
    .join(':')}::/64`;
}

/** The per-minute window of sign-in attempts a client's address (or IPv6 /64) draws from. */
const clientKey = (ip: string) => `ip:${clientBucket(ip)}`;

/**
 * The budget an account's password guesses draw from: one per account, whether the e-mail or the username
 * was typed, and whether the guess came through sign-in or a password change.
 */
export const accountBudget = (userId: string) => `${ACCOUNT_BUDGET_PREFIX}${userId}`;

/** Guesses at an identifier no account has are budgeted the same way, so a lockout reveals nothing. */
export const unknownLoginBudget = (identifierKey: string) => `login:${identifierKey}`;

/** The first lock, doubled per further guess up to the cap (SECURITY.md, "lockout / throttling"). */
export function lockoutPolicy(throttle: Config['throttle']): LockoutPolicy {
  const lockMs: number[] = [];
  for (let seconds = throttle.lockoutBaseSeconds; ; seconds *= 2) {
    if (seconds >= throttle.lockoutMaxSeconds) {
      lockMs.push(throttle.lockoutMaxSeconds * 1000);
      break;
    }
    lockMs.push(seconds * 1000);
  }
  return { threshold: throttle.lockoutThreshold, lockMs, decayMs: throttle.lockoutDecaySeconds * 1000 };
}

/**
 * Credential-stuffing defences (SECURITY.md): a per-IP window of sign-in attempts, and a per-account
 * budget of password guesses that locks the account after consecutive failures, with a delay that doubles
 * up to a cap and failures forgotten after GATEHOUSE_LOCKOUT_DECAY_SECONDS. Both live in the database so
 * they survive restarts and hold across instances. A guess is reserved before the password is hashed, so
 * a burst of concurrent guesses evaluates no more than the budget, however many instances it reaches.
 */
export class SignInThrottle {
  readonly #store: ThrottleStore;
  readonly #policy: LockoutPolicy;

  constructor(private readonly ctx: AppContext) {
    this.#store = new ThrottleStore(ctx.storage.db, ctx.storage.sqliteWrite);
    this.#policy = lockoutPolicy(ctx.config.throttle);
  }

  async checkClient(ip: string): Promise<void> {
    const now = this.ctx.now();
    const windowStart = now - (now % 60_000);
    const hits = await this.#store.hit(clientKey(ip), windowStart);
    if (hits > this.ctx.config.throttle.signinRatePerMinute)
      throw tooManyRequests((windowStart + 60_000 - now) / 1000);
  }

  /**
   * A password sign-in before its hash: `checkClient`, the account the identifier names, and `reserveGuess`
   * from its budget (the unknown identifier's when no account has it), as one database step
   * (ThrottleStore.admit). Throws what those two throw; returns the account and the budget the guess was
   * taken from.
   */
  async admitPasswordGuess(
    ip: string,
    identifier: string,
  ): Promise<{ user: UserRow | undefined; budget: string }> {
    const now = this.ctx.now();
    const windowStart = now - (now % 60_000);
    const admission = await this.#store.admit(
      {
        clientKey: clientKey(ip),
        windowStart,
        limit: this.ctx.config.throttle.signinRatePerMinute,
        identifier,
        unknownBudget: unknownLoginBudget(identifier),
        now,
      },
      this.#policy,
    );
    if (!admission.admitted) throw tooManyRequests((windowStart + 60_000 - now) / 1000);
    this.#settle(admission.budget, admission.reservation, now);
    return { user: admission.user, budget: admission.budget };
  }

  /** Takes one guess from the budget before any hashing; throws 429 ACCOUNT_LOCKED when none is left. */
  async reserveGuess(budget: string): Promise<void> {
    const now = this.ctx.now();
    this.#settle(budget, await this.#store.reserve(budget, now, this.#policy), now);
  }

  /** A reserved guess goes ahead (counted when it locked the account); a refused one is 429 ACCOUNT_LOCKED. */
  #settle(budget: string, reservation: Reservation, now: number): void {
    if (reservation.reserved) {
      if (reservation.lockStarted)
        this.ctx.metrics.lockoutStarted(budget.startsWith('account:') ? 'account' : 'unknown');
      return;
    }
    throw new AppError(429, 'ACCOUNT_LOCKED', 'Too many failed sign-ins; try again later', undefined, {
      'retry-after': String(Math.max(1, Math.ceil((reservation.lockedUntil - now) / 1000))),
    });
  }

  /**
   * The guess was right but the sign-in is not over (a second factor follows): it does not count as a
   * failure, yet the failures before it stand until the second factor succeeds too.
   */
  async guessRefunded(budget: string): Promise<void> {
    await this.#store.refund(budget);
  }

  /** The guess was right: consecutive failures start over. */
  async guessSucceeded(budget: string): Promise<void> {
    await this.#store.reset(budget);
  }
}

/**
 * A right password whose budget still counts its guess (`SignInThrottle.guessSucceeded` not yet written):
 * the count starts over in the write that starts the sign-in's session (`budget`, then `cleared`), which
 * spares PostgreSQL a round trip, or on its own in `settle` when the sign-in ends any other way (a disabled
 * account, a workspace refused, a token sign-in, an error). The caller settles before it answers, so the
 * count has started over by the answer in every case, as when the reset was written right after the hash.
 */
export class RightGuess {
  #budget: string | undefined;

  constructor(
    budget: string,
    private readonly throttle: SignInThrottle,
  ) {
    this.#budget = budget;
  }

  /** The budget to clear within the session's write; undefined once it is cleared. */
  get budget(): string | undefined {
    return this.#budget;
  }

  /** The session's write that cleared the budget has committed. */
  cleared(): void {
    this.#budget = undefined;
  }

  /** Clears the budget unless the session's write did. */
  async settle(): Promise<void> {
    const budget = this.#budget;
    if (budget === undefined) return;
    this.#budget = undefined;
    await this.throttle.guessSucceeded(budget);
  }
}
