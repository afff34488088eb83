import type { Migration } from 'kysely';
import * as foundation from './0001_foundation.js';
import * as tokens from './0002_tokens.js';
import * as apiTokens from './0003_api_tokens.js';
import * as workspaces from './0004_workspaces.js';
import * as hardening from './0005_hardening.js';
import * as social from './0007_social.js';
import * as oauth from './0008_oauth.js';
import * as accounts from './0009_accounts.js';
import * as apiTokenRotation from './0010_api_token_rotation.js';
import * as oauthIdTokenAlg from './0019_oauth.js';
import * as socialLink from './0020_social_link.js';
import * as apiTokenNoticeLease from './0024_api_token_notice_lease.js';
import * as challengeAmr from './0027_challenge_amr.js';
import * as sessionAmr from './0028_session_amr.js';

/**
 * The one migration set, for SQLite and PostgreSQL alike. Append only: a shipped migration never changes.
 * Names sort in the order they run.
 */
export const migrations: Record<string, Migration> = {
  '0001_foundation': foundation,
  '0002_tokens': tokens,
  '0003_api_tokens': apiTokens,
  '0004_workspaces': workspaces,
  '0005_hardening': hardening,
  '0007_social': social,
  '0008_oauth': oauth,
  '0009_accounts': accounts,
  '0010_api_token_rotation': apiTokenRotation,
  '0019_oauth': oauthIdTokenAlg,
  '0020_social_link': socialLink,
  '0024_api_token_notice_lease': apiTokenNoticeLease,
  '0027_challenge_amr': challengeAmr,
  '0028_session_amr': sessionAmr,
};
