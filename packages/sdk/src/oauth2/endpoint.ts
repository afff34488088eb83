import type { GatehouseClient } from '../client.js';
import type { RequestOptions } from '../options.js';
import type { EndpointName, MetadataCache } from './metadata.js';
import type { AuthorizationServerMetadata } from './types.js';

/** The client registration as the endpoints need it. */
export interface ClientRegistration {
  clientId: string;
  clientSecret?: string | undefined;
}

export type FormParameters = Record<string, string | string[] | undefined>;

/**
 * POSTs to the authorization server's token, revocation and introspection endpoints: form-encoded, with
 * the client authenticated, and never with the user's credentials (cookie, API key, bearer).
 */
export class OAuthEndpoints {
  constructor(
    private readonly client: GatehouseClient,
    private readonly metadata: MetadataCache,
    private readonly registration: ClientRegistration,
  ) {}

  get clientId(): string {
    return this.registration.clientId;
  }

  async post(name: EndpointName, parameters: FormParameters, options?: RequestOptions): Promise<unknown> {
    const url = await this.metadata.endpoint(name);
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(parameters)) {
      for (const item of typeof value === 'string' ? [value] : (value ?? [])) form.append(key, item);
    }
    const authorization = this.#authenticate(form, await this.metadata.load());
    return this.client.request({
      method: 'POST',
      url,
      form,
      anonymous: true,
      authorization,
      // Cross-origin token requests must not carry cookies: the server's CORS answer would not allow them.
      credentials: 'omit',
      options,
    });
  }

  /**
   * Returns the `Authorization` value, or adds the credentials to `form`. A confidential client uses HTTP
   * Basic (RFC 6749 §2.3.1, the method every server must support) unless the server lists only
   * `client_secret_post`; a public client identifies itself with `client_id` alone (§3.2.1), PKCE being
   * its proof.
   */
  #authenticate(form: URLSearchParams, metadata: AuthorizationServerMetadata): string | undefined {
    const { clientId, clientSecret } = this.registration;
    if (!clientSecret) {
      form.set('client_id', clientId);
      return undefined;
    }
    const methods = metadata.token_endpoint_auth_methods_supported;
    if (methods && !methods.includes('client_secret_basic') && methods.includes('client_secret_post')) {
      form.set('client_id', clientId);
      form.set('client_secret', clientSecret);
      return undefined;
    }
    // §2.3.1: both parts are form-urlencoded before they are joined, so a ':' in the id stays unambiguous.
    const credentials = `${formEncode(clientId)}:${formEncode(clientSecret)}`;
    return `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(credentials)))}`;
  }
}

function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
