import { redirectUriMatches } from '../clients/redirect-uri.js';
import type { OAuthClient } from '../clients/service.js';
import { invalidRequest, invalidScope, OAuthError } from '../errors.js';
import { allowedResources, resourceParameter } from '../resources.js';
import { parseScope } from '../scopes.js';

/** A validated authorization request (RFC 6749 §4.1.1, RFC 7636, OIDC Core §3.1.2.1, RFC 8707). */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state?: string | undefined;
  nonce?: string | undefined;
  codeChallenge?: string | undefined;
  prompt: Array<'none' | 'login' | 'consent'>;
  /** Seconds. */
  maxAge?: number | undefined;
  loginHint?: string | undefined;
  /** RFC 8707: the resource servers the tokens are for (empty: Gatehouse's own API). */
  resources: string[];
}

/**
 * Why an authorization request cannot even be answered by a redirect: no client, an unknown one, or a
 * redirect URI that is not registered. Shown as an error page, never redirected (RFC 6749 §4.1.2.1).
 */
export class UntrustedRedirect extends Error {}

/** Where a refusal may be sent once client and redirect URI are known: the error and the way back. */
export class AuthorizationRefusal extends Error {
  constructor(
    readonly error: OAuthError,
    readonly redirectUri: string,
    readonly state: string | undefined,
  ) {
    super(error.description);
  }
}

/** PKCE: the S256 challenge is the base64url SHA-256 of the verifier, always 43 characters (RFC 7636 §4.2). */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const MAX_PARAMETER_LENGTH = 2048;
/** Parameters RFC 8707 lets a client repeat; every other one must appear once (RFC 6749 §3.1). */
const REPEATABLE = new Set(['resource']);

type Query = Record<string, string | string[] | undefined>;

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? undefined : value;
}

/**
 * The client and redirect URI first: until both are trusted, every problem is an error page. Then
 * everything else, each problem a refusal sent back to the client (with the exact `state`).
 */
export async function parseAuthorizationRequest(
  query: Query,
  findClient: (id: string) => Promise<OAuthClient | undefined>,
): Promise<{ client: OAuthClient; request: AuthorizationRequest }> {
  const clientId = single(query, 'client_id');
  if (Array.isArray(query['client_id'])) throw new UntrustedRedirect('client_id appears more than once');
  if (!clientId) throw new UntrustedRedirect('The request names no client (client_id is missing)');
  const client = clientId.length <= 64 ? await findClient(clientId) : undefined;
  if (!client) throw new UntrustedRedirect('The application is not registered here');
  if (Array.isArray(query['redirect_uri']))
    throw new UntrustedRedirect('redirect_uri appears more than once');
  let redirectUri = single(query, 'redirect_uri');
  if (redirectUri === undefined) {
    // RFC 6749 §3.1.2.3: optional only when exactly one is registered.
    if (client.redirectUris.length !== 1) throw new UntrustedRedirect('The request has no redirect_uri');
    redirectUri = client.redirectUris[0] as string;
  } else if (!redirectUriMatches(client.redirectUris, redirectUri, client.applicationType === 'native')) {
    throw new UntrustedRedirect('The redirect_uri is not registered for this application');
  }

  const state = single(query, 'state');
  const refuse = (error: OAuthError) => new AuthorizationRefusal(error, redirectUri, state);
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value) && !REPEATABLE.has(name))
      throw refuse(invalidRequest(`The ${name} parameter appears more than once`));
    for (const one of [value].flat())
      if (one !== undefined && one.length > MAX_PARAMETER_LENGTH)
        throw refuse(invalidRequest(`The ${name} parameter is too long`));
  }
  if (query['request'] !== undefined)
    throw refuse(new OAuthError('request_not_supported', 'Request objects are not supported'));
  if (query['request_uri'] !== undefined)
    throw refuse(new OAuthError('request_uri_not_supported', 'request_uri is not supported'));

  const responseType = single(query, 'response_type');
  if (responseType === undefined) throw refuse(invalidRequest('response_type is required'));
  if (responseType !== 'code')
    throw refuse(new OAuthError('unsupported_response_type', 'Only response_type=code is supported'));
  const responseMode = single(query, 'response_mode');
  if (responseMode !== undefined && responseMode !== 'query')
    throw refuse(invalidRequest('Only response_mode=query is supported'));
  if (!client.grantTypes.includes('authorization_code'))
    throw refuse(
      new OAuthError('unauthorized_client', 'This application may not use the authorization code grant'),
    );

  const scopes = parseScope(single(query, 'scope'));
  const notAllowed = scopes.find((scope) => !client.scopes.includes(scope));
  if (notAllowed !== undefined)
    throw refuse(invalidScope(`The scope "${notAllowed}" is not allowed for this application`));

  const method = single(query, 'code_challenge_method');
  const codeChallenge = single(query, 'code_challenge');
  if (method !== undefined && method !== 'S256')
    throw refuse(invalidRequest('Only code_challenge_method=S256 is supported (plain is refused)'));
  if (codeChallenge === undefined) {
    if (method !== undefined) throw refuse(invalidRequest('code_challenge_method without code_challenge'));
    if (client.public)
      throw refuse(invalidRequest('PKCE (code_challenge with S256) is required for this application'));
  } else {
    // RFC 7636 §4.3: the method defaults to plain, which is refused; a challenge must say S256.
    if (method === undefined) throw refuse(invalidRequest('code_challenge_method=S256 is required'));
    if (!S256_CHALLENGE.test(codeChallenge))
      throw refuse(invalidRequest('code_challenge is not a valid S256 challenge'));
  }

  const prompt = parseScope(single(query, 'prompt'));
  const unknownPrompt = prompt.find(
    (value) => !['none', 'login', 'consent', 'select_account'].includes(value),
  );
  if (unknownPrompt !== undefined)
    throw refuse(invalidRequest(`Unsupported prompt value "${unknownPrompt}"`));
  if (prompt.includes('none') && prompt.length > 1)
    throw refuse(invalidRequest('prompt=none cannot be combined with other values'));

  const maxAgeText = single(query, 'max_age');
  let maxAge: number | undefined;
  if (maxAgeText !== undefined) {
    if (!/^\d{1,10}$/.test(maxAgeText)) throw refuse(invalidRequest('max_age must be a number of seconds'));
    maxAge = Number(maxAgeText);
  }

  // RFC 8707 §2: one or several resources, each one this client is registered for.
  let resources: string[];
  try {
    resources = allowedResources(
      resourceParameter(query['resource']),
      client.resources,
      'one this application may ask for',
    );
  } catch (error) {
    throw error instanceof OAuthError ? refuse(error) : error;
  }

  return {
    client,
    request: {
      clientId: client.id,
      redirectUri,
      scopes,
      state,
      nonce: single(query, 'nonce'),
      codeChallenge,
      prompt: prompt.filter((value): value is 'none' | 'login' | 'consent' => value !== 'select_account'),
      maxAge,
      loginHint: single(query, 'login_hint'),
      resources,
    },
  };
}

/** The authorization response (or error response) URL: the client's own query kept, `iss` added (RFC 9207). */
export function callbackUrl(
  redirectUri: string,
  issuer: string,
  params: Record<string, string | undefined>,
): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) url.searchParams.append(name, value);
  url.searchParams.append('iss', issuer);
  return url.href;
}
