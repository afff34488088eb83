import type { Kysely } from 'kysely';
import { normaliseEmail } from '../../features/identity/email.js';
import { identifierKey, normaliseUsername, usernameProblem } from '../../features/identity/identifiers.js';

/** The tables this migration reads and writes, as they are at this point of the history. */
interface Tables {
  users: { id: string; email: string; username: string; created_at: number };
  login_identifiers: { identifier: string; user_id: string; kind: 'email' | 'username' };
  sign_in_throttles: { key: string };
}

interface Account {
  id: string;
  email: string;
  username: string;
  /** The e-mail identifier this account got; undefined when another account already had it. */
  emailKey?: string;
}

/**
 * One namespace for sign-in identifiers (features/accounts/identifiers.ts), filled from the existing users,
 * and an index for "my invitations" (workspace invites addressed to an e-mail).
 */
export async function up(untyped: Kysely<unknown>): Promise<void> {
  const db = untyped as Kysely<Tables>;
  await db.schema
    .createTable('login_identifiers')
    .addColumn('identifier', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_identifiers_user').on('login_identifiers').column('user_id').execute();
  await db.schema.createIndex('workspace_invites_email').on('workspace_invites').column('email').execute();
  // Lockout counters were keyed by the identifier typed; they are now one per account (account:<user id>).
  await db.deleteFrom('sign_in_throttles').where('key', 'like', 'account:%').execute();
  await registerIdentifiers(db);
}

/**
 * Decided in memory (the table starts empty), oldest account first, so each identifier has one owner:
 *  1. e-mails already in normal form keep their identifier; then the others, re-normalised (NFKC), unless
 *     that form is taken;
 *  2. usernames, unless taken by an e-mail or an older username, or not allowed any more (blank, invisible
 *     characters, spaces, someone else's address): such a username is replaced by the account's e-mail,
 *     which is how the owner of a squatted address gets it back.
 */
async function registerIdentifiers(db: Kysely<Tables>): Promise<void> {
  const accounts: Account[] = await db
    .selectFrom('users')
    .select(['id', 'email', 'username'])
    .orderBy('created_at', 'asc')
    .orderBy('id', 'asc')
    .execute();
  const owners = new Map<string, { userId: string; kind: 'email' | 'username' }>();
  const claim = (key: string, userId: string, kind: 'email' | 'username') => {
    if (owners.has(key)) return false;
    owners.set(key, { userId, kind });
    return true;
  };
  for (const account of accounts) {
    if (normaliseEmail(account.email) === account.email && claim(account.email, account.id, 'email'))
      account.emailKey = account.email;
  }
  const emailChanges = new Map<string, string>();
  for (const account of accounts) {
    const key = normaliseEmail(account.email);
    if (account.emailKey || !claim(key, account.id, 'email')) continue;
    account.emailKey = key;
    emailChanges.set(account.id, key);
  }
  const usernameChanges = new Map<string, string>();
  for (const account of accounts) {
    const email = emailChanges.get(account.id) ?? account.email;
    const display = normaliseUsername(account.username);
    const key = identifierKey(display);
    const kept =
      usernameProblem(display, email) === null &&
      (key === account.emailKey || claim(key, account.id, 'username'));
    const final = kept ? display : email;
    if (final !== account.username) usernameChanges.set(account.id, final);
  }

  for (const [id, email] of emailChanges)
    await db.updateTable('users').set({ email }).where('id', '=', id).execute();
  // Through a placeholder first: a final username may still be another row's current one until it changes too.
  for (const id of usernameChanges.keys())
    await db
      .updateTable('users')
      .set({ username: `\u0001${id}` })
      .where('id', '=', id)
      .execute();
  for (const [id, username] of usernameChanges)
    await db.updateTable('users').set({ username }).where('id', '=', id).execute();

  const rows = [...owners].map(([identifier, owner]) => ({
    identifier,
    user_id: owner.userId,
    kind: owner.kind,
  }));
  for (let start = 0; start < rows.length; start += 500)
    await db
      .insertInto('login_identifiers')
      .values(rows.slice(start, start + 500))
      .execute();
}

export async function down(untyped: Kysely<unknown>): Promise<void> {
  await untyped.schema.dropIndex('workspace_invites_email').ifExists().execute();
  await untyped.schema.dropTable('login_identifiers').ifExists().execute();
}
