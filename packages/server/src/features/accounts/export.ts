import type { AppContext } from '../../context.js';
import { AppError } from '../../lib/errors.js';
import { apiTokenViews } from '../api-tokens/schemas.js';
import { ApiTokenStore } from '../api-tokens/store.js';
import { userView } from '../identity/user-view.js';
import { SecondFactorStore } from '../second-factor/store.js';
import { SessionStore } from '../sessions/store.js';
import { identityView } from '../social/identities.js';
import { IdentityStore } from '../social/identity-store.js';
import { AccountStore } from './store.js';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** One linked sign-in identity (social login), as the export lists it. */
export interface LinkedIdentityExport {
  provider: string;
  subject: string;
  email: string | null;
  linkedAt: string;
}

/** The identities linked to the account (social login): provider, subject, e-mail, when; never a token. */
export async function linkedIdentitiesForExport(
  ctx: AppContext,
  userId: string,
): Promise<LinkedIdentityExport[]> {
  return (await new IdentityStore(ctx.storage.db).listForUser(userId)).map((row) => {
    const { lastUsedAt: _lastUsed, ...view } = identityView(row);
    return view;
  });
}

/**
 * "Download my data" (GDPR art. 15 and 20): everything Gatehouse keeps about the account, as JSON. Never
 * a secret: no password hash, no token or its hash, no TOTP secret, no recovery code.
 */
export async function exportAccount(ctx: AppContext, userId: string) {
  const db = ctx.storage.db;
  const now = ctx.now();
  const user = await new AccountStore(db).findById(userId);
  if (!user) throw new AppError(404, 'USER_NOT_FOUND', 'User not found');
  const memberships = await db
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id', 'w.name', 'm.role', 'm.created_at'])
    .where('m.user_id', '=', userId)
    .orderBy('m.created_at')
    .execute();
  const sessions = await new SessionStore(db).listForUser(userId, now);
  const families = await db
    .selectFrom('token_families')
    .select(['id', 'created_at', 'expires_at', 'user_agent', 'ip'])
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .execute();
  const apiTokens = await new ApiTokenStore(db).listForUser(userId, now);
  const factors = new SecondFactorStore(db);
  const totp = await factors.find(userId);
  return {
    exportedAt: new Date(now).toISOString(),
    profile: {
      ...userView(user, null),
      emailVerifiedAt: iso(user.email_verified_at),
      updated: new Date(user.updated_at).toISOString(),
      hasPassword: user.password_hash !== null,
    },
    memberships: memberships.map((m) => ({
      workspace: { _id: m.id, name: m.name },
      role: m.role,
      joined: new Date(m.created_at).toISOString(),
    })),
    sessions: sessions.map((s) => ({
      _id: s.id,
      createdAt: new Date(s.created_at).toISOString(),
      lastSeenAt: new Date(s.last_seen_at).toISOString(),
      userAgent: s.user_agent,
      ip: s.ip,
    })),
    tokenSessions: families.map((f) => ({
      _id: f.id,
      createdAt: new Date(f.created_at).toISOString(),
      expiresAt: new Date(f.expires_at).toISOString(),
      userAgent: f.user_agent,
      ip: f.ip,
    })),
    apiTokens: apiTokenViews(apiTokens, now),
    secondFactor: {
      enabled: totp?.confirmed_at != null,
      enabledAt: iso(totp?.confirmed_at ?? null),
      recoveryCodesLeft: totp?.confirmed_at != null ? await factors.recoveryCodesLeft(userId) : 0,
    },
    linkedIdentities: await linkedIdentitiesForExport(ctx, userId),
  };
}
