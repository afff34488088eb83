import type { FastifyRequest } from 'fastify';
import type { OAuthClient, OAuthClients } from './clients/service.js';
import { invalidClient, invalidRequest } from './errors.js';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post' | 'none';

export interface AuthenticatedClient {
  client: OAuthClient;
  method: ClientAuthMethod;
}

/** RFC 6749 §2.3.1: the Basic credentials are form-urlencoded before base64. */
function formDecode(value: string): string | undefined {
  // Generated ids and secrets (hex, `ghcs_` + base64url) contain neither: no decoding to do.
  if (!value.includes('%') && !value.includes('+')) return value;
  try {
    return decodeURIComponent(value.replace(/\+/g, '%20'));
  } catch {
    return undefined;
  }
}

const BASIC = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i;

function basicCredentials(request: FastifyRequest): { id: string; secret: string } | null | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = BASIC.exec(header);
  if (!match) return null;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const id = formDecode(decoded.slice(0, colon));
  const secret = formDecode(decoded.slice(colon + 1));
  if (id === undefined || secret === undefined) return null;
  return { id, secret };
}

/**
 * Client authentication at the token, revocation and introspection endpoints (RFC 6749 §2.3):
 * client_secret_basic, client_secret_post, or `none` for a public client (which then relies on PKCE).
 * One method per request (§2.3); every failure is 401 `invalid_client`, with `WWW-Authenticate` when
 * Basic was tried (§5.2).
 */
export async function authenticateClient(
  request: FastifyRequest,
  body: Record<string, string>,
  clients: OAuthClients,
  options: { allowPublic: boolean },
): Promise<AuthenticatedClient> {
  const basic = basicCredentials(request);
  const usedBasic = basic !== undefined;
  if (basic === null) throw invalidClient('The Authorization header is not valid Basic credentials', true);
  if (basic && body['client_secret'] !== undefined)
    throw invalidRequest('Use one client authentication method, not several');
  if (basic && body['client_id'] !== undefined && body['client_id'] !== basic.id)
    throw invalidRequest('client_id does not match the Basic credentials');
  const clientId = basic?.id ?? body['client_id'];
  if (!clientId) throw invalidClient('Client authentication is required', usedBasic);
  const client = clientId.length <= 64 ? await clients.find(clientId) : undefined;
  if (!client) throw invalidClient('Client authentication failed', usedBasic);
  const secret = basic?.secret ?? body['client_secret'];
  if (client.public) {
    // A public client has no secret to present; one that sends something is misconfigured or an impostor.
    if (secret !== undefined && secret !== '') throw invalidClient('Client authentication failed', usedBasic);
    if (!options.allowPublic) throw invalidClient('This endpoint requires a confidential client', usedBasic);
    return { client, method: 'none' };
  }
  if (secret === undefined || !clients.secretMatches(client, secret))
    throw invalidClient('Client authentication failed', usedBasic);
  return { client, method: basic ? 'client_secret_basic' : 'client_secret_post' };
}
