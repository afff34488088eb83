/** base64url without padding (RFC 4648 §5), the encoding of JOSE (RFC 7515 §2) and PKCE (RFC 7636 §4.2). */
export function base64urlEncode(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Throws a TypeError on anything but the base64url alphabet, so `+`, `/` and padding are refused. */
export function base64urlDecode(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[\w-]*$/.test(text)) throw new TypeError('Not base64url');
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(base64.padEnd(Math.ceil(base64.length / 4) * 4, '='));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

/** A JWS/JWT segment (header or claims): base64url of UTF-8 JSON. Throws on anything else. */
export function decodeJsonSegment(segment: string): unknown {
  return JSON.parse(new TextDecoder().decode(base64urlDecode(segment)));
}
