import type { AppContext } from '../../context.js';
import type { SweepJob } from '../housekeeping/sweep.js';
import type { Mailer } from '../mail/mailer.js';
import { apiTokenExpiryMessage, type Brand } from '../mail/templates.js';
import { DAY_MS } from './expiry.js';

/** The nearer notice first: a token already within a day gets only the one-day notice, not both. */
const NOTICES = [
  { level: 2, within: DAY_MS },
  { level: 1, within: 7 * DAY_MS },
] as const;

/**
 * E-mails an API token's owner 7 days and 1 day before the token expires (issue 18). A job of the
 * housekeeping sweep, so it runs every GATEHOUSE_SWEEP_INTERVAL on every instance; `expiry_notices` on the
 * token records which notices went out, and each is claimed by one conditional UPDATE
 * (`expiry_notices < level`), so however many instances run the job at once, each notice is sent once.
 * Tokens being rotated out get none: their successor is what matters. A claimed notice whose delivery
 * fails after the mailer's retries is not sent again (at most once, rather than a notice per sweep).
 */
export class ApiTokenExpiryNotices implements SweepJob {
  readonly name = 'apiTokenExpiryNotices';
  #running: Promise<number> | undefined;

  constructor(
    private readonly ctx: AppContext,
    private readonly mailer: Mailer,
  ) {}

  /** Sends the notices due now; returns how many. One run at a time per instance. */
  run(): Promise<number> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(): Promise<number> {
    if (!this.mailer.available) return 0;
    const now = this.ctx.now();
    const brand: Brand = {
      productName: this.ctx.config.mail.productName,
      publicUrl: this.ctx.config.publicUrl.origin,
    };
    let sent = 0;
    for (const { level, within } of NOTICES) {
      const claimed = await this.ctx.storage.db
        .updateTable('api_tokens')
        .set({ expiry_notices: level })
        .where('expiry_notices', '<', level)
        .where('replaced_by', 'is', null)
        .where('expires_at', '>', now)
        .where('expires_at', '<=', now + within)
        .returning(['id', 'user_id', 'nickname', 'token_prefix', 'expires_at'])
        .execute();
      if (claimed.length === 0) continue;
      const owners = await this.ctx.storage.db
        .selectFrom('users')
        .select(['id', 'email'])
        .where('id', 'in', [...new Set(claimed.map((t) => t.user_id))])
        .execute();
      const emailOf = new Map(owners.map((o) => [o.id, o.email]));
      for (const token of claimed) {
        const to = emailOf.get(token.user_id);
        if (!to || token.expires_at === null) continue;
        this.mailer.send(
          apiTokenExpiryMessage(
            to,
            brand,
            { nickname: token.nickname, prefix: token.token_prefix, expiresAt: token.expires_at },
            now,
          ),
        );
        sent += 1;
      }
    }
    return sent;
  }
}
