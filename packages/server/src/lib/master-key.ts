import { createCipheriv, createDecipheriv, createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/load.js';
import { randomBuffer } from './crypto.js';

/**
 * Returns the master key: from configuration, else (SQLite only; config enforces that) from
 * `<dataDir>/master.key`, created with mode 0600 (in a 0700 folder) on first start.
 */
export function loadMasterKey(config: Config): Buffer {
  if (config.masterKey) return Buffer.from(config.masterKey, 'base64url');
  const file = join(config.dataDir, 'master.key');
  if (existsSync(file)) {
    // A key file left readable by an older version or a restore is tightened like a new one.
    tightenMode(file);
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

function tightenMode(file: string): void {
  try {
    chmodSync(file, 0o600);
  } catch (error) {
    // Owned by another user: we cannot change it, and reading it still works or fails as before.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

/** AES-256-GCM with the master key: secrets at rest (signing keys, client secrets) are stored sealed. */
export class SecretBox {
  /**
   * The key as a KeyObject, made once: given a Buffer, node:crypto builds one for every cipher. Every refresh
   * rotation seals its successor, so the seal is on the hot path (~11 → ~6 µs, docs/performance.md).
   */
  readonly #key: KeyObject;

  constructor(readonly key: Buffer) {
    this.#key = createSecretKey(key);
  }

  seal(plaintext: string): string {
    const iv = randomBuffer(12);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    const update = cipher.update(plaintext, 'utf8');
    // GCM is a stream mode: `final()` returns nothing more (it computes the tag), so no concatenation.
    const tail = cipher.final();
    const body = tail.length === 0 ? update : Buffer.concat([update, tail]);
    return `v1.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${body.toString('base64url')}`;
  }

  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || body === undefined) throw new Error('unrecognised sealed value');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  }
}
