import { expect } from 'vitest';
import { currentTotp } from '../../src/features/second-factor/totp.js';
import { request, signInWithCookie } from './http.js';

export interface EnrolledTotp {
  secret: string;
  recoveryCodes: string[];
  /** The cookie of the password session the factor was enrolled in. */
  cookie: string;
}

/**
 * Signs `user` in with a cookie and enrols a TOTP factor, confirmed with the code of the 30-second window at
 * `confirmAt` (now by default). A code is used once: a sign-in right after needs the next window's code, or
 * a confirmation one window back (`Date.now() - 30_000`, accepted as one step of drift) leaves this one unused.
 */
export async function enrolTotp(
  server: { url: string },
  user: { email: string; password: string },
  confirmAt = Date.now(),
): Promise<EnrolledTotp> {
  const cookie = await signInWithCookie(server.url, user.email, user.password);
  const enrol = await request<{ secret: string }>(server.url, '/api/me/second-factor/totp', {
    method: 'POST',
    cookie,
  });
  const confirmed = await request<{ recoveryCodes: string[] }>(
    server.url,
    '/api/me/second-factor/totp/confirm',
    {
      cookie,
      body: { code: currentTotp(enrol.body.secret, confirmAt) },
    },
  );
  expect(confirmed.status).toBe(200);
  return { secret: enrol.body.secret, recoveryCodes: confirmed.body.recoveryCodes, cookie };
}
