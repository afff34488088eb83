import { isIPv6 } from 'node:net';
import type { AppContext } from '../../context.js';
import { AppError, tooManyRequests } from '../../lib/errors.js';
import { ThrottleStore } from './throttle-store.js';

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

/**
 * Credential-stuffing defences (SECURITY.md): a per-IP window of sign-in attempts, and a per-account
 * lockout after consecutive failures with a delay that doubles up to a cap. Both live in the database so
 * they survive restarts and hold across instances. Accounts are keyed by the identifier typed, whether or
 * not it exists, so a lockout reveals nothing about which accounts exist.
 */
export class SignInThrottle {
  readonly #store: ThrottleStore;

  constructor(private readonly ctx: AppContext) {
    this.#store = new ThrottleStore(ctx.storage.db);
  }

  async checkClient(ip: string): Promise<void> {
    const now = this.ctx.now();
    const windowStart = now - (now % 60_000);
    const hits = await this.#store.hit(`ip:${clientBucket(ip)}`, windowStart);
    if (hits > this.ctx.config.throttle.signinRatePerMinute) {
      throw tooManyRequests((windowStart + 60_000 - now) / 1000);
    }
  }

  /** Throws while the account is locked; returns whether failures are on record (to clear at success). */
  async checkAccount(login: string): Promise<boolean> {
    const state = await this.#store.accountState(`account:${login}`);
    if (!state) return false;
    const now = this.ctx.now();
    if (state.lockedUntil > now) {
      throw new AppError(429, 'ACCOUNT_LOCKED', 'Too many failed sign-ins; try again later', undefined, {
        'retry-after': String(Math.ceil((state.lockedUntil - now) / 1000)),
      });
    }
    return true;
  }

  async recordFailure(login: string): Promise<void> {
    const key = `account:${login}`;
    const { lockoutThreshold, lockoutBaseSeconds, lockoutMaxSeconds } = this.ctx.config.throttle;
    const failures = await this.#store.addFailure(key, this.ctx.now());
    if (failures < lockoutThreshold) return;
    const seconds = Math.min(lockoutBaseSeconds * 2 ** (failures - lockoutThreshold), lockoutMaxSeconds);
    await this.#store.lock(key, this.ctx.now() + seconds * 1000);
  }

  /** Clears the failure count; skipped for an account with none on record (one write saved per sign-in). */
  async recordSuccess(login: string): Promise<void> {
    await this.#store.clear(`account:${login}`);
  }
}
