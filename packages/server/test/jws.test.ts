import { importJWK, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { privateKeyObject, signCompact, signCompactOffLoop } from '../src/features/signing-keys/jws.js';
import { generateSigningKey, SIGNING_ALGORITHMS } from '../src/features/signing-keys/key-material.js';

const signers = [
  ['on the event loop', signCompact],
  ['on the thread pool', signCompactOffLoop],
] as const;
const cases = signers.flatMap(([where, signer]) =>
  SIGNING_ALGORITHMS.map((alg) => [alg, where, signer] as const),
);

/** The node:crypto signers (synchronous, and off the loop) produce JWTs that jose (and so any JOSE library) verifies. */
describe('signCompact', () => {
  it.each(
    cases,
  )('signs %s JWTs %s that jose verifies, and a changed byte breaks them', async (alg, _where, signer) => {
    const key = await generateSigningKey(alg);
    const payload = {
      sub: 'user-1',
      aud: 'https://api.example',
      iat: 1,
      exp: 4_000_000_000,
      note: 'ünïcode',
    };
    const token = await signer(
      { alg, kid: key.kid, typ: 'at+jwt' },
      payload,
      alg,
      privateKeyObject(key.privateJwk),
    );
    const publicKey = await importJWK(key.publicJwk, alg);
    const { payload: verified, protectedHeader } = await jwtVerify(token, publicKey, { algorithms: [alg] });
    expect(verified).toEqual(payload);
    expect(protectedHeader).toEqual({ alg, kid: key.kid, typ: 'at+jwt' });

    const [header, body, signature] = token.split('.') as [string, string, string];
    const tampered = `${header}.${body}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    await expect(jwtVerify(tampered, publicKey, { algorithms: [alg] })).rejects.toThrow();
  });

  it('refuses a public key as a signing key', async () => {
    const key = await generateSigningKey('EdDSA');
    expect(() => privateKeyObject(key.publicJwk)).toThrow();
  });

  it('encodes a frozen header once and an unfrozen one on every call (it may have changed)', async () => {
    const key = await generateSigningKey('EdDSA');
    const privateKey = privateKeyObject(key.privateJwk);
    const headerOf = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const frozen = Object.freeze({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' });
    const first = signCompact(frozen, { n: 1 }, 'EdDSA', privateKey);
    const second = await signCompactOffLoop(frozen, { n: 2 }, 'EdDSA', privateKey);
    expect(first.split('.')[0]).toBe(second.split('.')[0]);
    expect(headerOf(second)).toEqual(frozen);

    const open: Record<string, unknown> = { alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' };
    expect(headerOf(signCompact(open, { n: 1 }, 'EdDSA', privateKey)).typ).toBe('at+jwt');
    open['typ'] = 'JWT';
    expect(headerOf(signCompact(open, { n: 2 }, 'EdDSA', privateKey)).typ).toBe('JWT');
  });
});
