/**
 * How a sign-in's first step authenticated, as RFC 8176 `amr` values: what a session, a second-factor
 * challenge and an OAuth grant record. A second factor adds `otp` and `mfa` (second-factor/service.ts).
 */
export const PASSWORD_AMR: readonly string[] = ['pwd'];
/** RFC 8176 has no value for "an external identity provider": `fed` (federated), as several IdPs use. */
export const SOCIAL_AMR: readonly string[] = ['fed'];

/** A stored `amr` column (a JSON array), or null when the row predates it. */
export const parseAmr = (stored: string | null): string[] | null =>
  stored === null ? null : (JSON.parse(stored) as string[]);
