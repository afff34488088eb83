import { base64urlEncode } from '../base64url.js';
import { subtleCrypto } from '../environment.js';

/** 256 random bits as base64url (43 characters): PKCE verifiers, `state` and `nonce`. */
export function randomToken(): string {
  return base64urlEncode(crypto.getRandomValues(new Uint8Array(32)));
}

/** `code_challenge` for `S256` (RFC 7636 §4.2): BASE64URL(SHA256(ASCII(code_verifier))). */
export async function pkceChallenge(codeVerifier: string): Promise<string> {
  const digest = await subtleCrypto().digest('SHA-256', new TextEncoder().encode(codeVerifier));
  return base64urlEncode(new Uint8Array(digest));
}
