import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';
import { createWorkspace, MANY_SIGN_INS, person } from './support/workspaces.js';

interface Pair {
  token: string;
  refreshToken: string;
  workspace: { _id: string } | null;
}

interface QelosSDK {
  authentication: {
    oAuthSignin(c: { username: string; password: string; workspace?: string }): Promise<unknown>;
    getLoggedInUser(): Promise<{ workspace: { _id: string } | null }>;
    refreshToken(): Promise<{ payload: Pair }>;
  };
  workspaces: { activate(id: string): Promise<unknown> };
}
const { default: QelosSDK } = (await import('@qelos/sdk' as string)) as {
  default: new (options: { appUrl: string; fetch: typeof fetch }) => QelosSDK;
};

describe.each(testDatabases)('token sessions across a workspace switch and logout on %s', (database) => {
  let server: TestServer;
  let clock = Date.now();
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS, now: () => clock });
  });
  afterAll(() => server.close());

  async function oauthSignIn(email: string, password: string, workspace?: string): Promise<Pair> {
    const res = await request<{ payload: Pair }>(server.url, '/api/signin', {
      body: { username: email, password, authType: 'oauth', ...(workspace && { workspace }) },
    });
    expect(res.status).toBe(200);
    return res.body.payload;
  }
  const me = (token: string) =>
    request<{ workspace: { _id: string } | null }>(server.url, '/api/me', {
      headers: { authorization: `Bearer ${token}` },
    });
  const refresh = (refreshToken: string) =>
    request<{ payload: Pair }>(server.url, '/api/token/refresh', { body: { refreshToken } });

  it('keeps a @qelos/sdk client, which ignores the switch response, signed in and in the new workspace', async () => {
    const alice = await person(server);
    const first = await createWorkspace(server, alice, 'First');
    const second = await createWorkspace(server, alice, 'Second');
    const sdk = new QelosSDK({ appUrl: server.url, fetch: globalThis.fetch });
    await sdk.authentication.oAuthSignin({
      username: alice.email,
      password: alice.password,
      workspace: first._id,
    });
    await sdk.workspaces.activate(second._id);

    // Its access token predates the switch; the session is in the new workspace all the same.
    expect((await sdk.authentication.getLoggedInUser()).workspace?._id).toBe(second._id);
    clock += 60_000;
    const refreshed = await sdk.authentication.refreshToken();
    expect(refreshed.payload.workspace?._id).toBe(second._id);
    expect((await sdk.authentication.getLoggedInUser()).workspace?._id).toBe(second._id);
    const again = await sdk.authentication.refreshToken();
    expect(again.payload.workspace?._id).toBe(second._id);
  });

  it('leaves exactly one live refresh token after a switch: the replaced one, once its successor is used, is reuse', async () => {
    const alice = await person(server);
    const first = await createWorkspace(server, alice, 'First');
    const second = await createWorkspace(server, alice, 'Second');
    const before = await oauthSignIn(alice.email, alice.password, first._id);
    const switched = await request<{ payload: Pair }>(server.url, `/api/workspaces/${second._id}/activate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${before.token}` },
    });
    expect(switched.status).toBe(200);
    const after = switched.body.payload;
    expect(after.refreshToken).not.toBe(before.refreshToken);

    clock += 60_000;
    const next = await refresh(after.refreshToken);
    expect(next.status).toBe(200);
    expect(next.body.payload.workspace?._id).toBe(second._id);
    // The pre-switch token now points at a used successor: presenting it is a replay, and ends the family.
    expect((await refresh(before.refreshToken)).status).toBe(401);
    expect((await me(next.body.payload.token)).status).toBe(401);
    expect((await refresh(next.body.payload.refreshToken)).status).toBe(401);
  });

  it('ends the family at logout even when the access token has expired on the server', async () => {
    const user = await server.createUser();
    const pair = await oauthSignIn(user.email, user.password);
    clock += 11 * 60_000;
    expect((await me(pair.token)).status).toBe(401);
    const out = await request(server.url, '/api/logout', {
      method: 'POST',
      headers: { authorization: `Bearer ${pair.token}` },
    });
    expect(out.status).toBe(200);
    expect((await refresh(pair.refreshToken)).status).toBe(401);
  });

  it('ends the family at logout when the refresh token is sent in the body', async () => {
    const user = await server.createUser();
    const pair = await oauthSignIn(user.email, user.password);
    const out = await request(server.url, '/api/logout', { body: { refreshToken: pair.refreshToken } });
    expect(out.status).toBe(200);
    expect((await me(pair.token)).status).toBe(401);
    expect((await refresh(pair.refreshToken)).status).toBe(401);
  });

  it('ignores a forged or unknown token at logout without ending anything', async () => {
    const user = await server.createUser();
    const pair = await oauthSignIn(user.email, user.password);
    const [header, payload] = pair.token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;
    expect(
      (
        await request(server.url, '/api/logout', {
          method: 'POST',
          headers: { authorization: `Bearer ${forged}` },
        })
      ).status,
    ).toBe(200);
    expect(
      (await request(server.url, '/api/logout', { body: { refreshToken: 'not-a-real-token' } })).status,
    ).toBe(200);
    expect((await me(pair.token)).status).toBe(200);
  });

  it('hands the pre-switch refresh token over to its successor until its own idle end, never longer', async () => {
    const alice = await person(server);
    const first = await createWorkspace(server, alice, 'First');
    const second = await createWorkspace(server, alice, 'Second');
    const before = await oauthSignIn(alice.email, alice.password, first._id);
    const idleEnd = clock + server.config.tokens.refreshIdleTtl * 1000;
    clock += 60_000;
    const switched = await request(server.url, `/api/workspaces/${second._id}/activate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${before.token}` },
    });
    expect(switched.status).toBe(200);
    // The successor itself would still be valid here (its idle end is a minute later), the old token not.
    clock = idleEnd + 1_000;
    const late = await refresh(before.refreshToken);
    expect(late.status).toBe(401);
  });
});
