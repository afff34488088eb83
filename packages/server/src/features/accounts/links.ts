import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import { newId, randomSecret, sha256 } from '../../lib/crypto.js';
import type { AccountLinkPurpose, Database } from '../../storage/schema.js';
import { inTransaction } from '../../storage/transaction.js';
import type { Brand } from '../mail/templates.js';
import { AccountLinkStore } from './link-store.js';

/** The account page each kind of link opens (features/account-pages). */
const PAGE: Record<AccountLinkPurpose, string> = {
  password_reset: 'reset-password',
  invitation: 'welcome',
  email_verification: 'verify-email',
  email_change: 'verify-email',
};

export interface NewLink {
  userId: string;
  purpose: AccountLinkPurpose;
  email?: string | null;
  ttlSeconds: number;
}

/**
 * Issues one-time account links: 256 random bits (SECURITY.md), only the SHA-256 stored, and a page URL
 * carrying the secret. A new link of a purpose supersedes the user's pending ones of that purpose, so
 * only the latest message works.
 */
export class AccountLinks {
  constructor(private readonly ctx: AppContext) {}

  get brand(): Brand {
    return { productName: this.ctx.config.mail.productName, publicUrl: this.ctx.config.publicUrl.origin };
  }

  /** Stores a link (in the caller's transaction when `db` is one) and returns its URL. */
  async issue(db: Kysely<Database>, link: NewLink): Promise<string> {
    const token = randomSecret();
    const now = this.ctx.now();
    await inTransaction(db, async (trx) => {
      const store = new AccountLinkStore(trx);
      await store.deletePending(link.userId, [link.purpose]);
      await store.insert({
        id: newId(),
        token_hash: sha256(token),
        user_id: link.userId,
        purpose: link.purpose,
        email: link.email ?? null,
        created_at: now,
        expires_at: now + link.ttlSeconds * 1000,
        consumed_at: null,
      });
    });
    return this.url(PAGE[link.purpose], token);
  }

  url(page: string, token: string): string {
    const url = new URL(`/account/${page}`, this.ctx.config.publicUrl);
    url.searchParams.set('token', token);
    return url.toString();
  }
}

/** The one answer for any link that cannot be used: expired, used, superseded or never issued look alike. */
export const LINK_INVALID_MESSAGE =
  'This link is invalid, has expired or was already used; ask for a new one';

/**
 * Runs `work` after the answer has gone out, so that the answer's timing cannot reveal whether an account
 * exists (the look-up, the stored link and the queued message all happen later). Failures are logged.
 */
export function afterAnswer(ctx: AppContext, what: string, work: () => Promise<void>): void {
  setImmediate(() => {
    work().catch((error: unknown) => ctx.log.error({ err: error }, `${what}: could not issue a link`));
  });
}
