import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type JsonResponse, request } from './support/http.js';
import { twoInstances } from './support/instances.js';
import { CHEAP_HASHES, startTestServer, type TestServer, testDatabases } from './support/server.js';
import {
  confirmEmail,
  createWorkspace,
  type ErrorFields,
  MANY_SIGN_INS,
  type Member,
  type Person,
  person,
} from './support/workspaces.js';

/** How many acceptances of one invitation arrive at the same moment. */
const AT_ONCE = 8;

/** Exactly one acceptance joined; every other one got a documented error naming why, never a 500. */
function oneWinner(answers: JsonResponse<ErrorFields>[], losingCodes: string[]) {
  expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
  for (const answer of answers.filter((answer) => answer.status !== 200)) {
    expect([404, 409]).toContain(answer.status);
    expect(losingCodes).toContain(answer.body.code);
    expect(typeof answer.body.message).toBe('string');
  }
}

/**
 * A workspace invitation is single-use (features/workspaces/invite-store.ts: one winner per invite):
 * accepted many times at the same moment, by several people or by one, on one instance or spread over two
 * on one PostgreSQL, it makes exactly one membership and every other acceptance a clear error.
 */
function oneMembershipPerInvitation(instances: () => TestServer[]) {
  const on = (i: number) => instances()[i % instances().length]!;
  const membersOf = async (owner: Person, workspaceId: string) =>
    (await request<Member[]>(on(0).url, `/api/workspaces/${workspaceId}/members`, { cookie: owner.cookie }))
      .body;

  it(`an invite link accepted by ${AT_ONCE} people at once admits one`, async () => {
    const owner = await person(on(0));
    const ws = await createWorkspace(on(0), owner, 'Link race');
    const created = await request<{ token: string }>(on(0).url, `/api/workspaces/${ws._id}/invites`, {
      body: {},
      cookie: owner.cookie,
    });
    expect(created.status).toBe(201);
    const people = await Promise.all(Array.from({ length: AT_ONCE }, () => person(on(0))));
    const answers = await Promise.all(
      people.map((who, i) =>
        request<ErrorFields>(on(i).url, `/api/invites/${created.body.token}/accept`, {
          method: 'POST',
          cookie: who.cookie,
        }),
      ),
    );
    oneWinner(answers, ['INVITE_INVALID']);
    const joined = (await membersOf(owner, ws._id)).filter((m) => people.some((p) => p.id === m.user));
    expect(joined).toHaveLength(1);
  });

  it(`an invitation by e-mail accepted ${AT_ONCE} times at once by its invitee makes one membership`, async () => {
    const owner = await person(on(0));
    const ws = await createWorkspace(on(0), owner, 'E-mail race');
    const invitee = await person(on(0));
    await confirmEmail(on(0), invitee);
    const sent = await request<{ invitation: { _id: string } }>(
      on(0).url,
      `/api/workspaces/${ws._id}/members`,
      {
        body: { email: invitee.email },
        cookie: owner.cookie,
      },
    );
    expect(sent.status).toBe(202);
    const answers = await Promise.all(
      Array.from({ length: AT_ONCE }, (_, i) =>
        request<ErrorFields>(on(i).url, `/api/me/invitations/${sent.body.invitation._id}/accept`, {
          method: 'POST',
          cookie: invitee.cookie,
        }),
      ),
    );
    oneWinner(answers, ['INVITATION_NOT_FOUND', 'ALREADY_MEMBER']);
    expect((await membersOf(owner, ws._id)).filter((m) => m.user === invitee.id)).toHaveLength(1);
  });
}

describe.each(testDatabases)('concurrent acceptance of one invitation on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, env: { ...MANY_SIGN_INS, ...CHEAP_HASHES } });
  });
  afterAll(() => server.close());
  oneMembershipPerInvitation(() => [server]);
});

describe.runIf(testDatabases.includes('postgres'))(
  'concurrent acceptance of one invitation on two instances',
  () => {
    let a: TestServer;
    let b: TestServer;
    twoInstances({ env: { ...MANY_SIGN_INS, ...CHEAP_HASHES } }, (started) => ({ a, b } = started));
    oneMembershipPerInvitation(() => [a, b]);
  },
);
