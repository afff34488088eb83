import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, type ErrorCode, statusesOf } from '../src/lib/error-codes.js';
import { type JsonResponse, request } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';
import { claimsOf, me, signInWithTokens } from './support/token-session.js';

const root = join(import.meta.dirname, '../../..');

function expectRegistered(res: JsonResponse): void {
  const code = res.body['code'] as ErrorCode;
  expect(Object.keys(ERROR_CODES)).toContain(code);
  expect(statusesOf(code)).toContain(res.status);
  expect(res.body['message']).toEqual(expect.any(String));
}

describe('one typed registry of error codes (issue 9 item 15)', () => {
  let server: TestServer;
  const lines: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ logStream: { write: (line) => void lines.push(line) } });
  });
  afterAll(() => server.close());

  it('answers only registered codes, each with one of its registered statuses', async () => {
    const user = await server.createUser();
    const answers = await Promise.all([
      request(server.url, '/api/no-such-route'),
      request(server.url, '/api/me'),
      request(server.url, '/api/signin', { raw: '{"username":' }),
      request(server.url, '/api/signin', { body: { username: user.email } }),
      request(server.url, '/api/signin', { body: { username: user.email, password: 'wrong-password' } }),
      request(server.url, '/api/signin', { raw: 'x', headers: { 'content-type': 'text/x-unknown' } }),
      request(server.url, '/api/signin', { raw: JSON.stringify({ pad: 'x'.repeat(2_000_000) }) }),
      me(server.url, 'not-a-jwt'),
    ]);
    expect(answers.map((res) => res.body['code'])).toEqual([
      'NOT_FOUND',
      'UNAUTHORIZED',
      'INVALID_JSON',
      'VALIDATION_ERROR',
      'INVALID_CREDENTIALS',
      'UNSUPPORTED_MEDIA_TYPE',
      'PAYLOAD_TOO_LARGE',
      'INVALID_TOKEN',
    ]);
    for (const res of answers) expectRegistered(res);
  });

  it('keeps the reason a JWT was refused in the log only', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const key = await server.app.gatehouse.signingKeys.signingKey('EdDSA');
    const { claims } = claimsOf(pair.token);
    const expired = await new SignJWT({ ...claims, exp: Math.floor(Date.now() / 1000) - 3600 })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
      .sign(key.privateKey);
    const wrongAudience = await new SignJWT({ ...claims, aud: 'https://elsewhere.example' })
      .setProtectedHeader({ alg: 'EdDSA', kid: key.kid, typ: 'at+jwt' })
      .sign(key.privateKey);

    const answers = [await me(server.url, expired), await me(server.url, wrongAudience)];
    for (const res of answers) {
      // The client learns nothing about which check failed.
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 'INVALID_TOKEN', message: ERROR_CODES.INVALID_TOKEN.message });
    }
    const refused = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry['msg'] === 'request refused');
    expect(refused.map((entry) => entry['reason'])).toEqual(
      expect.arrayContaining([expect.stringContaining('ERR_JWT_EXPIRED'), expect.stringContaining('"aud"')]),
    );
    const log = lines.join('\n');
    expect(log).not.toContain(expired);
    expect(log).not.toContain(wrongAudience);
  });

  it('is what docs/errors.md lists, code for code and status for status', () => {
    const doc = readFileSync(join(root, 'docs/errors.md'), 'utf8');
    const documented = new Map(
      [...doc.matchAll(/^\| `([A-Za-z_]+)` \| ([\d, ]+) \|/gm)].map((m) => [m[1]!, m[2]!.trim()]),
    );
    const registered = new Map(
      (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => [code, statusesOf(code).join(', ')]),
    );
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(registered));
  });
});
