import type { AppContext } from '../../context.js';
import type { SweepJob } from '../housekeeping/sweep.js';
import type { Delivery, Mailer } from '../mail/mailer.js';
import { apiTokenExpiryMessage, type Brand } from '../mail/templates.js';
import { DAY_MS } from './expiry.js';

/**
 * The nearer notice first; each covers its own stretch of time, so a token already within a day gets only
 * the one-day notice, not both (also when its seven-day notice kept failing until then).
 */
const NOTICES = [
  { level: 2, after: 0, within: DAY_MS },
  { level: 1, after: DAY_MS, within: 7 * DAY_MS },
] as const;

/**
 * How long an instance holds a notice while it sends it. Far longer than one SMTP attempt takes, so no
 * other instance sends the same notice meanwhile; short enough that a notice whose instance died while
 * holding it is sent by another one a quarter of an hour later.
 */
export const NOTICE_LEASE_MS = 15 * 60_000;

/**
 * E-mails an API token's owner 7 days and 1 day before the token expires (issue 18). A job of the
 * housekeeping sweep, so it runs every GATEHOUSE_SWEEP_INTERVAL on every instance.
 *
 * Each notice is sent once across instances and is not lost when a send fails:
 * 1. one conditional UPDATE claims the tokens due a notice by setting `expiry_notice_lease` (only where no
 *    lease runs), so however many instances run the job at once, one holds each token's notice;
 * 2. the holder sends the message (one attempt);
 * 3. accepted by the mail server, the notice is recorded in `expiry_notices` and the lease cleared; failed,
 *    only the lease is cleared, and the next sweep (on any instance) tries again while the notice is due.
 *    A permanent refusal (5xx, such as an unknown address) is recorded as done: retrying would not help.
 * Tokens being rotated out get none: their successor is what matters.
 */
export class ApiTokenExpiryNotices implements SweepJob {
  readonly name = 'apiTokenExpiryNotices';
  #running: Promise<number> | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly mailer: Mailer,
  ) {}

  /** Sends the notices due now; returns how many the mail server accepted. One run at a time per instance. */
  run(): Promise<number> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(): Promise<number> {
    if (!this.mailer.available) return 0;
    const now = this.ctx.now();
    const lease = now + NOTICE_LEASE_MS;
    const brand: Brand = {
      productName: this.ctx.config.mail.productName,
      publicUrl: this.ctx.config.publicUrl.origin,
    };
    const db = this.ctx.storage.db;
    let sent = 0;
    for (const { level, after, within } of NOTICES) {
      const claimed = await db
        .updateTable('api_tokens')
        .set({ expiry_notice_lease: lease })
        .where('expiry_notices', '<', level)
        .where('replaced_by', 'is', null)
        .where('expires_at', '>', now + after)
        .where('expires_at', '<=', now + within)
        .where((eb) => eb.or([eb('expiry_notice_lease', 'is', null), eb('expiry_notice_lease', '<=', now)]))
        .returning(['id', 'user_id', 'nickname', 'token_prefix', 'expires_at'])
        .execute();
      if (claimed.length === 0) continue;
      const owners = await db
        .selectFrom('users')
        .select(['id', 'email'])
        .where('id', 'in', [...new Set(claimed.map((t) => t.user_id))])
        .execute();
      const emailOf = new Map(owners.map((o) => [o.id, o.email]));
      for (const token of claimed) {
        const to = emailOf.get(token.user_id);
        // No address or no end: nothing to send, now or later.
        let outcome: Delivery = 'rejected';
        if (to && token.expires_at !== null) {
          outcome = await this.mailer.deliver(
            apiTokenExpiryMessage(
              to,
              brand,
              { nickname: token.nickname, prefix: token.token_prefix, expiresAt: token.expires_at },
              now,
            ),
          );
        }
        if (outcome === 'sent') sent += 1;
        // Only while the lease is still ours: one that ran out may have been taken by another instance.
        await db
          .updateTable('api_tokens')
          .set(
            outcome === 'retry'
              ? { expiry_notice_lease: null }
              : { expiry_notices: level, expiry_notice_lease: null },
          )
          .where('id', '=', token.id)
          .where('expiry_notice_lease', '=', lease)
          .execute();
      }
    }
    return sent;
  }
}
