import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatehouseSDK } from '../src/index.js';
import { startTestServer, type TestServer, testDatabases, uniqueEmail } from './support/gatehouse-server.js';

/*
 * Workspaces against the real server. Endpoints: GET/POST /api/workspaces, GET/PATCH/DELETE
 * /api/workspaces/:id, POST /api/workspaces/:id/activate, GET/POST /api/workspaces/:id/members,
 * PATCH/DELETE /api/workspaces/:id/members/:userId (and `me`); the token case also uses
 * POST /api/signin with authType 'oauth'.
 */

const PASSWORD = 'correct horse battery staple';

describe.each(testDatabases)('workspaces on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000' } });
  });
  afterAll(() => server.close());

  async function signedIn() {
    const email = uniqueEmail();
    const sdk = new GatehouseSDK({ appUrl: server.url });
    const { payload } = await sdk.authentication.signup({ email, password: PASSWORD });
    return { sdk, email, id: payload.user._id };
  }

  /** Accepting an invitation needs a confirmed address (docs/workspaces.md). */
  async function confirmedColleague() {
    const { email, id, password } = await server.createUser({ emailVerified: true });
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await sdk.authentication.signin({ username: email, password });
    return { sdk, email, id };
  }

  it('creates, lists, reads, renames and deletes a workspace', async () => {
    const { sdk } = await signedIn();
    const created = await sdk.workspaces.create({ name: 'Acme' });
    expect(created).toMatchObject({ _id: expect.any(String), name: 'Acme' });
    expect((await sdk.workspaces.getList()).map((w) => w._id)).toContain(created._id);
    expect((await sdk.workspaces.getList({ bypassAdmin: true })).map((w) => w._id)).toContain(created._id);
    await expect(sdk.workspaces.getWorkspace(created._id)).resolves.toMatchObject({ name: 'Acme' });
    await expect(sdk.workspaces.update(created._id, { name: 'Acme Ltd' })).resolves.toMatchObject({
      name: 'Acme Ltd',
    });
    await sdk.workspaces.remove(created._id);
    await expect(sdk.workspaces.getWorkspace(created._id)).rejects.toMatchObject({ status: 404 });
  });

  it('answers 404 to a non-member, so a workspace’s existence does not leak', async () => {
    const { sdk: owner } = await signedIn();
    const { sdk: stranger } = await signedIn();
    const workspace = await owner.workspaces.create({ name: 'Private' });
    await expect(stranger.workspaces.getWorkspace(workspace._id)).rejects.toMatchObject({ status: 404 });
  });

  it('manages members: an invitation by email that the person accepts, role change, removal, leaving', async () => {
    const { sdk: owner } = await signedIn();
    const { sdk: colleague, email, id } = await confirmedColleague();
    const workspace = await owner.workspaces.create({ name: 'Team' });
    const sent = await owner.workspaces.members.add(workspace._id, { email, role: 'member' });
    if (sent.status !== 'invited') throw new Error('expected an invitation');
    expect(sent.invitation).toMatchObject({ email, role: 'member' });
    expect((await owner.workspaces.members.list(workspace._id)).some((m) => m.user === id)).toBe(false);
    const [invitation] = await colleague.workspaces.invitations.list();
    expect(invitation).toMatchObject({
      _id: sent.invitation._id,
      workspace: { _id: workspace._id, name: 'Team' },
    });
    await expect(colleague.workspaces.invitations.accept(sent.invitation._id)).resolves.toMatchObject({
      _id: workspace._id,
    });
    expect(await owner.workspaces.members.list(workspace._id)).toEqual(
      expect.arrayContaining([expect.objectContaining({ user: id, roles: ['member'] })]),
    );
    await owner.workspaces.members.updateRole(workspace._id, id, 'admin');
    expect((await owner.workspaces.members.list(workspace._id)).find((m) => m.user === id)?.roles).toEqual([
      'admin',
    ]);
    await owner.workspaces.members.remove(workspace._id, id);
    await expect(colleague.workspaces.getWorkspace(workspace._id)).rejects.toMatchObject({ status: 404 });

    const again = await owner.workspaces.members.add(workspace._id, { email, role: 'member' });
    if (again.status !== 'invited') throw new Error('expected an invitation');
    await colleague.workspaces.invitations.decline(again.invitation._id);
    await expect(colleague.workspaces.invitations.accept(again.invitation._id)).rejects.toMatchObject({
      status: 404,
      code: 'INVITATION_NOT_FOUND',
    });
    expect(await colleague.workspaces.invitations.list()).toEqual([]);
  });

  it('accepts an invite link, and a member can leave', async () => {
    const { sdk: owner } = await signedIn();
    const { sdk: colleague, id } = await signedIn();
    const workspace = await owner.workspaces.create({ name: 'Linked' });
    const { token, invite } = await owner.workspaces.invites.create(workspace._id);
    expect((await owner.workspaces.invites.list(workspace._id)).map((i) => i._id)).toEqual([invite._id]);
    await expect(colleague.workspaces.invites.accept(token)).resolves.toMatchObject({
      _id: workspace._id,
    });
    await colleague.workspaces.leave(workspace._id);
    expect((await owner.workspaces.members.list(workspace._id)).some((m) => m.user === id)).toBe(false);
    const spare = await owner.workspaces.invites.create(workspace._id, { role: 'admin' });
    await owner.workspaces.invites.revoke(workspace._id, spare.invite._id);
    expect(await owner.workspaces.invites.list(workspace._id)).toEqual([]);
    await expect(colleague.workspaces.invites.accept(spare.token)).rejects.toMatchObject({
      code: 'INVITE_INVALID',
    });
  });

  it('activates a workspace for a cookie session', async () => {
    const { sdk } = await signedIn();
    const first = await sdk.workspaces.create({ name: 'First' });
    const second = await sdk.workspaces.create({ name: 'Second' });
    await sdk.workspaces.activate(second._id);
    expect((await sdk.authentication.getLoggedInUser()).workspace?._id).toBe(second._id);
    await sdk.workspaces.activate(first._id);
    expect((await sdk.authentication.getLoggedInUser()).workspace?._id).toBe(first._id);
  });

  it('activates a workspace for a token session by storing the new token pair', async () => {
    const { sdk: cookieSdk, email } = await signedIn();
    const workspace = await cookieSdk.workspaces.create({ name: 'Tokens' });
    const sdk = new GatehouseSDK({ appUrl: server.url });
    await sdk.authentication.oAuthSignin({ email, password: PASSWORD });
    const before = await sdk.auth.getTokenSet();
    const activation = await sdk.workspaces.activate(workspace._id);
    const after = await sdk.auth.getTokenSet();
    expect(activation.payload?.token).toBe(after?.accessToken);
    expect(after?.accessToken).not.toBe(before?.accessToken);
    expect((await sdk.authentication.getLoggedInUser()).workspace?._id).toBe(workspace._id);
  });
});
