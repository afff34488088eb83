import type { AuthorizationCallback, AuthorizationFailure, AuthorizationServerMetadata } from './types.js';

export interface CallbackExpectations {
  issuer: string;
  /** The metadata, when discovery already ran; it says whether `iss` is mandatory (RFC 9207 §3). */
  metadata: AuthorizationServerMetadata | undefined;
  expectedState: string | undefined;
}

/**
 * Reads an authorization response (RFC 6749 §4.1.2 and §4.1.2.1). The issuer check comes first and
 * covers error responses too: RFC 9207 §2.4 has the client drop any response whose `iss` is not its
 * authorization server's, which defeats mix-up attacks between several servers.
 */
export function parseCallback(input: string | URL, expected: CallbackExpectations): AuthorizationCallback {
  const url = new URL(input, 'http://callback.invalid');
  let parameters = url.searchParams;
  // response_mode=fragment puts the answer after '#'.
  if (!parameters.has('code') && !parameters.has('error') && url.hash.length > 1) {
    parameters = new URLSearchParams(url.hash.slice(1));
  }
  const read = (name: string) => parameters.get(name) ?? undefined;
  const state = read('state');
  const issuer = read('iss');
  const base = { ...(state === undefined ? {} : { state }), ...(issuer === undefined ? {} : { issuer }) };
  if (issuer !== undefined && issuer !== expected.issuer) {
    return refused(base, 'ISSUER_MISMATCH', `The response comes from ${issuer}, not ${expected.issuer}`);
  }
  if (issuer === undefined && expected.metadata?.authorization_response_iss_parameter_supported === true) {
    return refused(base, 'ISSUER_MISMATCH', 'The response has no iss, which this server always sends');
  }
  if (expected.expectedState !== undefined && state !== expected.expectedState) {
    return refused(base, 'STATE_MISMATCH', 'The state is not the one this request was sent with');
  }
  const error = read('error');
  if (error !== undefined) {
    const description = read('error_description');
    const uri = read('error_uri');
    return {
      ...base,
      isError: true,
      error,
      ...(description === undefined ? {} : { errorDescription: description }),
      ...(uri === undefined ? {} : { errorUri: uri }),
    };
  }
  const code = read('code');
  if (code === undefined)
    return refused(base, 'INVALID_CALLBACK', 'The URL carries neither a code nor an error');
  return { ...base, isError: false, code };
}

function refused(
  base: { state?: string; issuer?: string },
  error: string,
  errorDescription: string,
): AuthorizationFailure {
  return { ...base, isError: true, error, errorDescription };
}
