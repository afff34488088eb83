import type { Config } from '../../config/load.js';

/** The issuer identifier (RFC 8414 §2): the public URL, without a trailing slash. */
export function issuerOf(config: Config): string {
  return config.publicUrl.href.replace(/\/+$/, '');
}
