import type { UserRow } from '../identity/user-store.js';

/**
 * The standard claims of a user (OIDC Core §5.1), filtered by the granted scopes (§5.4): `profile` gives
 * the name claims, `email` the address and whether it was verified. `sub` is always there.
 */
export function userClaims(user: UserRow, scopes: readonly string[]): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: user.id };
  if (scopes.includes('profile')) {
    const name = `${user.first_name} ${user.last_name}`.trim();
    if (name) claims['name'] = name;
    if (user.first_name) claims['given_name'] = user.first_name;
    if (user.last_name) claims['family_name'] = user.last_name;
    claims['preferred_username'] = user.username;
    claims['updated_at'] = Math.floor(Number(user.updated_at) / 1000);
  }
  if (scopes.includes('email')) {
    claims['email'] = user.email;
    claims['email_verified'] = user.email_verified_at !== null;
  }
  return claims;
}
