import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config/load.js';
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
  /** Milliseconds since the epoch; replaced in tests that move time. */
  now(): number;
}
