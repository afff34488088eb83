import { hash, verify } from '@node-rs/argon2';
import type { Config } from '../config/load.js';
import { Semaphore } from './semaphore.js';

/** A few of the most common passwords (NIST SP 800-63B §5.1.1.2: reject known-compromised values). */
const COMMON = new Set([
  'password',
  'password1',
  'password123',
  '12345678',
  '123456789',
  '1234567890',
  'qwerty123',
  'qwertyuiop',
  '11111111',
  '00000000',
  'iloveyou',
  'abc12345',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'welcome1',
  'admin123',
  'letmein1',
  'passw0rd',
  'p@ssw0rd',
  'trustno1',
  'superman',
  'starwars',
  'changeme',
  'qwerty12',
  '1q2w3e4r',
  'zaq12wsx',
  'asdfghjk',
  'computer',
  'internet',
  'whatever',
  'dragon12',
  'monkey12',
]);

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

/** Returns why a new password is refused, or null. No composition rules (NIST SP 800-63B). */
export function passwordProblem(password: string): string | null {
  if ([...password].length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if ([...password].length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  if (COMMON.has(password.toLowerCase())) return 'is too common; choose another';
  return null;
}

/** @node-rs/argon2's `Algorithm.Argon2id`; its const enum cannot be imported under verbatimModuleSyntax. */
const ARGON2ID = 2;

/**
 * argon2id hashing with a bounded number of hashes in flight: each hash takes ~19 MiB and a core for
 * ~10 ms, so a sign-in storm queues here instead of starving every other request of CPU and memory.
 */
export class PasswordHasher {
  readonly #gate: Semaphore;
  readonly #options: {
    algorithm: typeof ARGON2ID;
    memoryCost: number;
    timeCost: number;
    parallelism: number;
  };
  #dummy: Promise<string> | undefined;

  constructor(config: Config['argon2']) {
    this.#gate = new Semaphore(config.concurrency);
    this.#options = {
      algorithm: ARGON2ID,
      memoryCost: config.memoryCost,
      timeCost: config.timeCost,
      parallelism: config.parallelism,
    };
  }

  /** Hashes computing now and waiting for a slot (`/metrics`). */
  get load(): { running: number; queued: number } {
    return { running: this.#gate.running, queued: this.#gate.queued };
  }

  hash(password: string): Promise<string> {
    return this.#gate.run(() => hash(password, this.#options));
  }

  verify(passwordHash: string, password: string): Promise<boolean> {
    return this.#gate.run(() => verify(passwordHash, password).catch(() => false));
  }

  /**
   * Spends the same work as a real verification when the account does not exist, so an unknown user and a
   * wrong password cannot be told apart by timing.
   */
  async verifyDummy(password: string): Promise<false> {
    this.#dummy ??= this.hash('gatehouse-dummy-password');
    await this.verify(await this.#dummy, password);
    return false;
  }

  /** True when a stored hash was made with weaker parameters than configured (rehash on login). */
  needsRehash(passwordHash: string): boolean {
    const match = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(passwordHash);
    if (!match) return true;
    const [, m, t, p] = match.map(Number);
    return m! < this.#options.memoryCost || t! < this.#options.timeCost || p! < this.#options.parallelism;
  }
}
