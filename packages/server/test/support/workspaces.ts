/** Helpers for the workspace and admin suites: each step goes over HTTP, as a client would. */
import { expect } from 'vitest';
import { AccountStore } from '../../src/features/accounts/store.js';
import { userTag } from '../../src/features/identity/principals.js';
import { type JsonResponse, request, signInWithCookie } from './http.js';
import type { TestServer, TestUser } from './server.js';

export { MANY_SIGN_INS } from './server.js';

export interface WorkspaceItem {
  _id: string;
  name: string;
  roles: string[];
  isPrivilegedUser: boolean;
  membersCount: number;
  created: string;
}

/** Present when the answer is an error (`{code, message}`). */
export interface ErrorFields {
  code?: string;
  message?: string;
}

export interface Member {
  user: string;
  roles: string[];
  email: string;
}

/** A user with a cookie session. */
export interface Person extends TestUser {
  cookie: string;
}

export async function person(server: TestServer, options: { admin?: boolean } = {}): Promise<Person> {
  const user = await server.createUser(options);
  return { ...user, cookie: await signInWithCookie(server.url, user.email, user.password) };
}

export async function createWorkspace(
  server: TestServer,
  owner: Person,
  name: string,
): Promise<WorkspaceItem> {
  const res = await request<WorkspaceItem>(server.url, '/api/workspaces', {
    body: { name },
    cookie: owner.cookie,
  });
  expect(res.status).toBe(201);
  return res.body;
}

/**
 * Marks the user's address as confirmed, as following the verification link does (accounts.md): accepting
 * an invitation needs it while the e-mail-verification policy is on.
 */
export async function confirmEmail(server: TestServer, user: { id: string }): Promise<void> {
  const { ctx } = server.app.gatehouse;
  await new AccountStore(ctx.storage.db).markEmailVerified(user.id, ctx.now());
  await ctx.bus.publish(userTag(user.id));
}

/**
 * Makes `member` a member the way it happens for real: the actor adds them by e-mail, which invites them
 * (202), and they (with their address confirmed) accept from their own invitation list.
 */
export async function addMember(
  server: TestServer,
  actor: Person,
  workspaceId: string,
  member: TestUser,
  role = 'member',
): Promise<void> {
  const invited = await request<{ invitation: { _id: string } }>(
    server.url,
    `/api/workspaces/${workspaceId}/members`,
    { body: { email: member.email, role }, cookie: actor.cookie },
  );
  expect(invited.status, JSON.stringify(invited.body)).toBe(202);
  await confirmEmail(server, member);
  const cookie = await signInWithCookie(server.url, member.email, member.password);
  const accepted = await request(server.url, `/api/me/invitations/${invited.body.invitation._id}/accept`, {
    method: 'POST',
    cookie,
  });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
}

export function setMemberRole(
  server: TestServer,
  actor: Person,
  workspaceId: string,
  userId: string,
  role: string,
): Promise<JsonResponse> {
  return request(server.url, `/api/workspaces/${workspaceId}/members/${userId}`, {
    method: 'PATCH',
    body: { role },
    cookie: actor.cookie,
  });
}

export function rename(server: TestServer, actor: Person, workspaceId: string, name: string) {
  return request<WorkspaceItem & ErrorFields>(server.url, `/api/workspaces/${workspaceId}`, {
    method: 'PATCH',
    body: { name },
    cookie: actor.cookie,
  });
}

/** Signs in with `authType: 'oauth'`; returns the token pair and the workspace the session started in. */
export async function signInWithTokens(
  server: TestServer,
  user: TestUser,
  workspace?: string,
): Promise<{ token: string; refreshToken: string; workspace: { _id: string } | null }> {
  const res = await request<{
    payload: { token: string; refreshToken: string; workspace: { _id: string } | null };
  }>(server.url, '/api/signin', {
    body: {
      username: user.email,
      password: user.password,
      authType: 'oauth',
      ...(workspace && { workspace }),
    },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.payload;
}

/** Creates an API token for the person (optionally bound to a workspace); returns the raw token. */
export async function createApiToken(
  server: TestServer,
  owner: Person,
  options: { workspace?: string; scopes?: string[] } = {},
): Promise<string> {
  const res = await request<{ token: string }>(server.url, '/api/me/api-tokens', {
    body: { nickname: 'test', expiresAt: '30d', ...options },
    cookie: owner.cookie,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const apiKey = (token: string) => ({ 'x-api-key': token });
