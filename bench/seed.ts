/**
 * The data every system under test is seeded with, so that each answers the same question: the same
 * accounts sharing one password (one precomputed hash keeps seeding fast), of which the first few sign in.
 */
export { OIDC_CLIENT, OIDC_JWT_RESOURCE, SEED_PASSWORD, seedEmail } from './servers/common.mjs';

/** The argon2id parameters of Gatehouse's defaults (SECURITY.md: the OWASP floor). */
export const ARGON2ID = { algorithm: 2, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** What a server child tells the harness once it listens. */
export interface ReadyMessage {
  type: 'ready';
  port: number;
  /** Seeded credentials a server could only mint in-process (better-auth API keys). */
  credentials?: Record<string, string>;
}
