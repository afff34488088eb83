import { type RecordedRequest, type StubReply, type StubServer, startStubServer } from './stub-server.js';

/**
 * A stub of Gatehouse's token endpoints with rotation: each refresh answers a new pair and makes the
 * old refresh token invalid. Lets the refresh tests control timing (delays) and failures exactly.
 */
export interface TokenStub extends StubServer {
  /** The access token the stub currently accepts. */
  readonly validAccessToken: string;
  readonly validRefreshToken: string;
  refreshCalls(): RecordedRequest[];
  /** Make every refresh fail with this answer from now on (a dead refresh-token family, or an outage). */
  failRefreshWith(reply: StubReply | undefined): void;
}

export interface TokenStubOptions {
  /** Milliseconds the refresh endpoint takes, so concurrent 401s overlap it. */
  refreshDelayMs?: number;
  /** Milliseconds a request to /api/me takes; a function gives each request its own delay. */
  meDelayMs?: (index: number) => number;
}

export async function startTokenStub(options: TokenStubOptions = {}): Promise<TokenStub> {
  let generation = 1;
  let refreshFailure: StubReply | undefined;
  const access = () => `access-${generation}`;
  const refresh = () => `refresh-${generation}`;
  const grant = () => ({
    payload: {
      token: access(),
      refreshToken: refresh(),
      expiresIn: 600,
      tokenType: 'Bearer',
      user: { _id: 'u1', username: 'ada', email: 'ada@example.com', roles: ['user'] },
      workspace: null,
    },
  });

  const server = await startStubServer((request, index) => {
    if (request.method === 'POST' && request.path === '/api/signin') return { body: grant() };
    if (request.method === 'POST' && request.path === '/api/token/refresh') {
      if (refreshFailure) return { ...refreshFailure, delayMs: options.refreshDelayMs };
      if (request.headers.authorization !== `Bearer ${refresh()}`) {
        return { status: 401, body: { code: 'INVALID_TOKEN', message: 'Refresh token is invalid' } };
      }
      generation += 1;
      return { body: grant(), delayMs: options.refreshDelayMs };
    }
    const delayMs = options.meDelayMs?.(index) ?? 0;
    const credentialOk =
      request.headers.authorization === `Bearer ${access()}` || request.headers['x-api-key'] === 'gh_valid';
    if (!credentialOk) return { status: 401, body: { code: 'INVALID_TOKEN', message: 'expired' }, delayMs };
    if (request.path === '/api/me') {
      return {
        body: { _id: 'u1', username: 'ada', email: 'ada@example.com', roles: ['user'], echo: request.body },
        delayMs,
      };
    }
    return { status: 200, body: { ok: true, method: request.method, body: request.body }, delayMs };
  });

  return {
    ...server,
    get validAccessToken() {
      return access();
    },
    get validRefreshToken() {
      return refresh();
    },
    refreshCalls: () => server.requestsTo('/api/token/refresh'),
    failRefreshWith: (reply: StubReply | undefined) => {
      refreshFailure = reply;
    },
  };
}
