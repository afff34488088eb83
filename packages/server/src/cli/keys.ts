import type { Config } from '../config/load.js';
import { openCommandApp } from './command-app.js';

type Write = (line: string) => void;

const stdout: Write = (line) => process.stdout.write(`${line}\n`);

const iso = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());

/**
 * `gatehouse keys rotate`: retires the signing keys (they keep verifying for GATEHOUSE_KEY_ROTATION_GRACE)
 * and activates new ones. Running instances hear of it over PostgreSQL NOTIFY at once; a SQLite server
 * checks the active key before each signing, so it signs with the new one from its next token on.
 */
export async function rotateKeysCommand(config: Config, write: Write = stdout): Promise<void> {
  const app = await openCommandApp(config, 'write');
  try {
    for (const result of await app.gatehouse.signingKeys.rotate()) {
      write(`new ${result.alg} signing key ${result.kid}`);
      for (const kid of result.retired)
        write(`retired ${kid}: still verifies until ${iso(result.verifyUntil)}`);
    }
  } finally {
    await app.close();
  }
}

/** `gatehouse keys list`: every stored signing key and its state. Reads only: never creates a key. */
export async function listKeysCommand(config: Config, write: Write = stdout): Promise<void> {
  const app = await openCommandApp(config, 'read');
  try {
    const keys = await app.gatehouse.signingKeys.list();
    if (keys.length === 0) write('no signing keys yet: the server creates the first one when it starts');
    for (const key of keys) {
      write(
        `${key.kid}  ${key.alg.padEnd(6)} ${key.status.padEnd(8)} created ${iso(key.createdAt)}  verifies until ${iso(key.verifyUntil)}`,
      );
    }
  } finally {
    await app.close();
  }
}
