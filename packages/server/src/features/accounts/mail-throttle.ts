import type { AppContext } from '../../context.js';
import { tooManyRequests } from '../../lib/errors.js';
import { clientBucket } from './throttle.js';
import { ThrottleStore } from './throttle-store.js';

const HOUR_MS = 60 * 60 * 1000;
/** One client address may ask for this many times the per-address budget (a shared office NAT). */
const PER_IP_FACTOR = 4;

/**
 * Limits the e-mails anyone can make Gatehouse send (password resets, verification links): per address,
 * so nobody floods one inbox, and per client IP, so nobody sprays many. Keyed by the address typed,
 * whether or not an account has it, so a 429 says nothing about which accounts exist. The counters are
 * rows of the shared throttle table (one atomic upsert per hit), so they hold across instances.
 */
export class MailThrottle {
  readonly #store: ThrottleStore;

  constructor(private readonly ctx: AppContext) {
    this.#store = new ThrottleStore(ctx.storage.db);
  }

  async check(kind: string, email: string, ip: string): Promise<void> {
    const now = this.ctx.now();
    const windowStart = now - (now % HOUR_MS);
    const limit = this.ctx.config.mail.ratePerHour;
    const retryAfter = (windowStart + HOUR_MS - now) / 1000;
    const byIp = await this.#store.hit(`mail-ip:${clientBucket(ip)}`, windowStart);
    if (byIp > limit * PER_IP_FACTOR) throw tooManyRequests(retryAfter);
    const byAddress = await this.#store.hit(`mail:${kind}:${email}`, windowStart);
    if (byAddress > limit) throw tooManyRequests(retryAfter);
  }
}
