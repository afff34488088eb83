import { hash, randomBytes, randomFillSync, timingSafeEqual } from 'node:crypto';

/**
 * CSPRNG bytes drawn in blocks, as node:crypto's own randomUUID does: one `randomBytes` call costs ~3 µs
 * (a job object and OpenSSL's locked DRBG) whatever its size, and a refresh rotation drew three (the
 * successor, its seal's IV, the access token's `jti`); a slice of the block costs ~0.1 µs
 * (docs/performance.md). Every byte is handed out once and wiped as it is copied out. The bytes not yet
 * handed out sit in the process's memory, which holds the master key anyway.
 */
const RANDOM_BLOCK_BYTES = 4096;
const randomBlock = Buffer.alloc(RANDOM_BLOCK_BYTES);
let randomOffset = RANDOM_BLOCK_BYTES;

/** Runs `use` on `bytes` fresh CSPRNG bytes, which are wiped when it returns: `use` must copy what it keeps. */
function withRandomBytes<T>(bytes: number, use: (random: Buffer) => T): T {
  if (bytes > RANDOM_BLOCK_BYTES) return use(randomBytes(bytes));
  if (randomOffset + bytes > RANDOM_BLOCK_BYTES) {
    randomFillSync(randomBlock);
    randomOffset = 0;
  }
  const random = randomBlock.subarray(randomOffset, randomOffset + bytes);
  randomOffset += bytes;
  try {
    return use(random);
  } finally {
    random.fill(0);
  }
}

/** `bytes` fresh CSPRNG bytes in a buffer of their own. */
export function randomBuffer(bytes: number): Buffer {
  return withRandomBytes(bytes, (random) => Buffer.from(random));
}

/** 256 bits from the CSPRNG, base64url: every session id, refresh token, code and state (SECURITY.md). */
export function randomSecret(bytes = 32): string {
  return withRandomBytes(bytes, (random) => random.toString('base64url'));
}

/** Secrets are stored only as their SHA-256, so a database leak yields nothing usable. */
export function sha256(value: string): string {
  // One-shot crypto.hash (Node >= 20.12): the same digest as createHash() without a Hash object per call;
  // it runs on every authenticated request (cookie and API-token look-ups).
  return hash('sha256', value, 'base64url');
}

/** Compares two strings in time independent of where they differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Record ids: 24 hex characters, time-ordered like a MongoDB ObjectId, so apps written for the Qelos API
 * (which validate `_id` as an ObjectId) accept them.
 */
export function newId(): string {
  const seconds = Math.floor(Date.now() / 1000)
    .toString(16)
    .padStart(8, '0');
  return seconds + withRandomBytes(8, (random) => random.toString('hex'));
}
