import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newId, randomBuffer, randomSecret } from '../src/lib/crypto.js';
import { SecretBox } from '../src/lib/master-key.js';

/** lib/crypto.ts draws CSPRNG bytes in 4 KiB blocks: many draws cross many refills. */
const DRAWS = 20_000;

describe('random values drawn in blocks', () => {
  it('never hands out the same bytes twice, across block refills', () => {
    const secrets = new Set<string>();
    const ids = new Set<string>();
    for (let i = 0; i < DRAWS; i += 1) {
      secrets.add(randomSecret());
      ids.add(newId());
    }
    // 20,000 × 32 bytes is ~160 refills of the block; any reuse would show as a duplicate.
    expect(secrets.size).toBe(DRAWS);
    expect(ids.size).toBe(DRAWS);
    for (const secret of [...secrets].slice(0, 100)) expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    for (const id of [...ids].slice(0, 100)) expect(id).toMatch(/^[0-9a-f]{24}$/);
  });

  it('gives each caller bytes of its own, untouched by later draws', () => {
    const first = randomBuffer(32);
    const copy = Buffer.from(first);
    for (let i = 0; i < 1_000; i += 1) randomSecret();
    expect(first.equals(copy)).toBe(true);
    expect(first.equals(Buffer.alloc(32))).toBe(false);
  });

  it('draws of every size, up to and beyond the block, have the length asked for', () => {
    for (const bytes of [1, 12, 16, 31, 33, 4095, 4096, 4097, 10_000]) {
      expect(randomBuffer(bytes)).toHaveLength(bytes);
      expect(Buffer.from(randomSecret(bytes), 'base64url')).toHaveLength(bytes);
    }
  });

  it('is not biased: every byte value shows up about as often', () => {
    const counts = new Array<number>(256).fill(0);
    for (let drawn = 0; drawn < 256 * 400; drawn += 32)
      for (const byte of randomBuffer(32)) counts[byte]! += 1;
    // 400 expected per value; a wiped (zeroed) or repeated block would pile up on a few values.
    expect(Math.min(...counts)).toBeGreaterThan(250);
    expect(Math.max(...counts)).toBeLessThan(550);
  });
});

/** The sealing format of values already stored (signing keys, client secrets, retry-window successors). */
function sealAsBefore(key: Buffer, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    'v1',
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    body.toString('base64url'),
  ].join('.');
}

function openAsBefore(key: Buffer, sealed: string): string {
  const [, iv, tag, body] = sealed.split('.') as [string, string, string, string];
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

describe('SecretBox', () => {
  const key = randomBytes(32);
  const box = new SecretBox(key);
  const plaintexts = ['', 'x', randomSecret(), 'ünïcode ✓ and a longer value '.repeat(20)];

  it('opens what it sealed, and what the earlier format sealed; the earlier format opens its seals', () => {
    for (const plaintext of plaintexts) {
      expect(box.open(box.seal(plaintext))).toBe(plaintext);
      expect(box.open(sealAsBefore(key, plaintext))).toBe(plaintext);
      expect(openAsBefore(key, box.seal(plaintext))).toBe(plaintext);
    }
  });

  it('seals the same value differently every time (a fresh IV), and refuses a changed seal or another key', () => {
    const secret = randomSecret();
    const seals = new Set(Array.from({ length: 1_000 }, () => box.seal(secret)));
    expect(seals.size).toBe(1_000);
    const ivs = new Set([...seals].map((sealed) => sealed.split('.')[1]));
    expect(ivs.size).toBe(1_000);

    const sealed = box.seal(secret);
    const [version, iv, tag, body] = sealed.split('.') as [string, string, string, string];
    const flipped = `${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}`;
    expect(() => box.open(`${version}.${iv}.${tag}.${flipped}`)).toThrow();
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow();
  });
});
