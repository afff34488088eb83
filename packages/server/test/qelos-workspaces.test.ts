import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';
import { createWorkspace, MANY_SIGN_INS, person } from './support/workspaces.js';

/** The part of the published SDK used here, as its dist/workspaces.d.ts and authentication.d.ts declare it. */
interface QelosWorkspace {
  _id: string;
  name: string;
  [key: string]: unknown;
}
interface QelosSDK {
  authentication: {
    oAuthSignin(credentials: {
      username: string;
      password: string;
      workspace?: string;
    }): Promise<{ payload: { workspace: { _id: string } | null } }>;
  };
  workspaces: {
    getList(): Promise<QelosWorkspace[]>;
    getWorkspace(id: string): Promise<QelosWorkspace>;
    getMembers(id: string): Promise<Array<{ user: string; roles: string[] }>>;
    create(workspace: { name: string }): Promise<QelosWorkspace>;
    update(id: string, changes: Partial<QelosWorkspace>): Promise<QelosWorkspace>;
    remove(id: string): Promise<Response>;
    activate(id: string): Promise<QelosWorkspace>;
  };
}
// The SDK's own .d.ts files pull in @qelos/global-types, which ships raw .ts sources that do not compile
// under this project's settings; vitest still loads the real package (inlined, see vitest.config.ts).
const { default: QelosSDK } = (await import('@qelos/sdk' as string)) as {
  default: new (options: { appUrl: string; fetch: typeof fetch }) => QelosSDK;
};

/** The published `@qelos/sdk`, unmodified, pointed at Gatehouse (HTTP-API.md: wire compatibility). */
describe.each(testDatabases)('the published Qelos SDK’s workspaces on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: MANY_SIGN_INS });
  });
  afterAll(() => server.close());

  it('lists, activates, creates and updates workspaces with bearer tokens from oAuthSignin', async () => {
    const alice = await person(server);
    const first = await createWorkspace(server, alice, 'First');
    const second = await createWorkspace(server, alice, 'Second');
    const sdk = new QelosSDK({ appUrl: server.url, fetch: globalThis.fetch });
    const signedIn = await sdk.authentication.oAuthSignin({
      username: alice.email,
      password: alice.password,
      workspace: first._id,
    });
    expect(signedIn.payload.workspace?._id).toBe(first._id);

    const list = await sdk.workspaces.getList();
    expect(list.map((w) => w.name)).toEqual(['First', 'Second']);
    expect(list[0]).toMatchObject({ _id: first._id, roles: ['owner'], isPrivilegedUser: true });

    const activated = (await sdk.workspaces.activate(second._id)) as QelosWorkspace & {
      payload: { token: string; workspace: { _id: string } };
    };
    expect(activated).toMatchObject({ _id: second._id, name: 'Second' });
    expect(activated.payload.workspace._id).toBe(second._id);
    // The new access token carries the new workspace.
    const me = await request<{ workspace: { _id: string } }>(server.url, '/api/me', {
      headers: { authorization: `Bearer ${activated.payload.token}` },
    });
    expect(me.body.workspace._id).toBe(second._id);

    const created = await sdk.workspaces.create({ name: 'Third' });
    expect(created).toMatchObject({ name: 'Third', roles: ['owner'] });
    const updated = await sdk.workspaces.update(String(created['_id']), {
      ...created,
      name: 'Third, renamed',
    });
    expect(updated.name).toBe('Third, renamed');
    const fetched = await sdk.workspaces.getWorkspace(String(created['_id']));
    expect(fetched.name).toBe('Third, renamed');
    const members = await sdk.workspaces.getMembers(String(created['_id']));
    expect(members).toEqual([expect.objectContaining({ user: alice.id, roles: ['owner'] })]);
    await sdk.workspaces.remove(String(created['_id']));
    expect((await sdk.workspaces.getList()).map((w) => w.name)).toEqual(['First', 'Second']);
  });

  it('surfaces a refused activation as an error, not as a workspace', async () => {
    const alice = await person(server);
    const foreign = await createWorkspace(server, await person(server), 'Not hers');
    const sdk = new QelosSDK({ appUrl: server.url, fetch: globalThis.fetch });
    await sdk.authentication.oAuthSignin({ username: alice.email, password: alice.password });
    await expect(sdk.workspaces.activate(foreign._id)).rejects.toThrow(/not a member/i);
  });
});
