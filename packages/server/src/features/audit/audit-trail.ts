import type { Kysely, Selectable } from 'kysely';
import type { AppContext } from '../../context.js';
import { newId } from '../../lib/crypto.js';
import type { AdminAuditTable, Database } from '../../storage/schema.js';

export type AuditRow = Selectable<AdminAuditTable>;

/** Who did it: a signed-in admin, or null for the command line on the server itself. */
export type AuditActor = { id: string; email: string } | null;

export interface AuditEntry {
  actor: AuditActor;
  target?: { id: string; email: string } | null;
  /** `user.disable`, `user.delete`, `auth_configuration.update`, … (docs/accounts.md lists them). */
  action: string;
  /** What changed, never a secret. */
  detail?: Record<string, unknown>;
  ip?: string | null;
}

export interface AuditQuery {
  limit: number;
  offset: number;
  targetId?: string | undefined;
  actorId?: string | undefined;
}

/**
 * The admin audit trail: one row per admin action (actor, target, action, time, IP). Written in the
 * transaction of the action where there is one, so an action and its record commit together.
 */
export class AuditTrail {
  constructor(private readonly ctx: AppContext) {}

  async record(entry: AuditEntry, db: Kysely<Database> = this.ctx.storage.db): Promise<void> {
    await db
      .insertInto('admin_audit')
      .values({
        id: newId(),
        actor_id: entry.actor?.id ?? null,
        actor_email: entry.actor?.email ?? null,
        target_id: entry.target?.id ?? null,
        target_email: entry.target?.email ?? null,
        action: entry.action,
        detail: JSON.stringify(entry.detail ?? {}),
        ip: entry.ip ?? null,
        created_at: this.ctx.now(),
      })
      .execute();
  }

  /** Newest first. */
  list(query: AuditQuery): Promise<AuditRow[]> {
    let select = this.ctx.storage.db.selectFrom('admin_audit').selectAll();
    if (query.targetId) select = select.where('target_id', '=', query.targetId);
    if (query.actorId) select = select.where('actor_id', '=', query.actorId);
    return select
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(query.limit)
      .offset(query.offset)
      .execute();
  }
}
