/** How a person proved who they are. OAuth sign-ins go through the same password and social paths. */
export type SignInMethod = 'password' | 'second_factor' | 'social';

/**
 * `success`: the factor was right (a second factor may still follow a password); `failure`: wrong
 * credentials or code; `locked`: refused unchecked because the account is locked; `throttled`: refused
 * unchecked by the per-IP limit.
 */
export type SignInOutcome = 'success' | 'failure' | 'locked' | 'throttled';

/** Whose budget locked: an existing account's, or that of an identifier no account has (credential stuffing). */
export type LockoutSubject = 'account' | 'unknown';

export type SweepOutcome = 'swept' | 'skipped' | 'failed';

/** A cache whose hits and misses `/metrics` reports (lib/ttl-cache.ts counts them). */
export interface CountedCache {
  readonly hits: number;
  readonly misses: number;
}

/**
 * What the features report for `/metrics` (features/metrics/prometheus.ts), named after the domain so that
 * no feature depends on prom-client. With metrics off (GATEHOUSE_METRICS_TOKEN unset) every call is a no-op.
 */
export interface Metrics {
  signIn(method: SignInMethod, outcome: SignInOutcome): void;
  /**
   * A guess used up a sign-in budget and locked it (once per lock: the guesses it then refuses count as
   * `signIn(…, 'locked')`).
   */
  lockoutStarted(subject: LockoutSubject): void;
  /** A rotated refresh token came back and its family was revoked. */
  refreshReuse(): void;
  sweep(outcome: SweepOutcome, deletedRows: number): void;
  /** Reports this cache's hit ratio under `name` (sessions, principals, api_tokens, …). */
  watchCache(name: string, cache: CountedCache): void;
}

/** Metrics off: nothing is counted and nothing is registered. */
export const noMetrics: Metrics = {
  signIn() {},
  lockoutStarted() {},
  refreshReuse() {},
  sweep() {},
  watchCache() {},
};

/** The sign-in outcome an error stands for, or undefined when it says nothing about the credentials (503). */
export function signInOutcomeOf(error: unknown): SignInOutcome | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ACCOUNT_LOCKED') return 'locked';
  if (code === 'TOO_MANY_REQUESTS') return 'throttled';
  if (
    code === 'INVALID_CREDENTIALS' ||
    code === 'INVALID_SECOND_FACTOR' ||
    code === 'INVALID_CODE' ||
    code === 'CHALLENGE_INVALID'
  )
    return 'failure';
  return undefined;
}

/** Runs one sign-in step and counts how it ended (an outage is not counted: it says nothing of the person). */
export async function countSignIn<T>(
  metrics: Metrics,
  method: SignInMethod,
  step: () => Promise<T>,
): Promise<T> {
  try {
    const result = await step();
    metrics.signIn(method, 'success');
    return result;
  } catch (error) {
    const outcome = signInOutcomeOf(error);
    if (outcome) metrics.signIn(method, outcome);
    throw error;
  }
}
