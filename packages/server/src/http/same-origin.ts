import type { FastifyRequest } from 'fastify';
import { forbidden } from '../lib/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence for cookie-authenticated writes (OWASP CSRF cheat sheet, "Verifying origin with standard
 * headers"). Browsers send `Origin` on every cross-origin write and `Sec-Fetch-Site` on every request,
 * so either header from a foreign site is refused. A request with neither did not come from a browser
 * (curl, the Node SDK) and cannot be forged by a third-party page, so it passes.
 */
export function assertSameOrigin(request: FastifyRequest, allowedOrigins: readonly string[]): void {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin !== undefined) {
    if (!allowedOrigins.includes(origin)) throw forbidden('Cross-origin request refused', 'CSRF_REJECTED');
    return;
  }
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw forbidden('Cross-site request refused', 'CSRF_REJECTED');
  }
}
