/** The part of oidc-provider's API the test fixture uses (the package ships no types). */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ClientView {
    grantTypeAllowed(grantType: string): boolean;
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }

  export const errors: { InvalidTarget: new () => Error };
}
