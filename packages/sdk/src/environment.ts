import { GatehouseError } from './errors.js';

/**
 * Pages and web workers: the browser owns cookies there (`Set-Cookie` is not even readable). Node 21+
 * defines `navigator`, so a document or a worker scope is what tells a browser apart.
 */
export const isBrowser = (): boolean =>
  typeof document !== 'undefined' ||
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

/**
 * WebCrypto's `subtle`, which browsers expose only in secure contexts (HTTPS, or http://localhost and
 * 127.0.0.1). PKCE (RFC 7636 §4.2) and ID-token signatures need it.
 */
export function subtleCrypto(): SubtleCrypto {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new GatehouseError({
      status: 0,
      code: 'UNSUPPORTED_ENVIRONMENT',
      message: 'WebCrypto (crypto.subtle) is unavailable here: serve the page over HTTPS',
    });
  }
  return subtle;
}
