import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config/load.js';
import type { Metrics } from './features/metrics/recorder.js';
import type { SecretBox } from './lib/master-key.js';
import type { PasswordHasher } from './lib/passwords.js';
import type { Storage } from './storage/database.js';
import type { InvalidationBus } from './storage/invalidation.js';

/** What every feature's service is built from: created once per app in buildApp(). */
export interface AppContext {
  config: Config;
  storage: Storage;
  /** The app's logger (pino, with the same redaction as request logs): for failures below HTTP. */
  log: FastifyBaseLogger;
  bus: InvalidationBus;
  hasher: PasswordHasher;
  secrets: SecretBox;
  /** Counts for `/metrics` (features/metrics); a no-op when metrics are off. */
  metrics: Metrics;
  /** Milliseconds since the epoch; replaced in tests that move time. */
  now(): number;
}
