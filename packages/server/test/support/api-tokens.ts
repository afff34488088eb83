/** Helpers for the API-token suites: creating tokens over HTTP, and workspaces straight in the database. */
import { randomBytes } from 'node:crypto';
import type { Static } from '@sinclair/typebox';
import { expect } from 'vitest';
import type { ApiTokenView } from '../../src/features/api-tokens/schemas.js';
import { type JsonResponse, request, signInWithCookie } from './http.js';
import type { TestServer, TestUser } from './server.js';

/** The listing shape, straight from the route's response schema. */
export type ApiTokenJson = Static<typeof ApiTokenView>;

export interface CreatedToken {
  token: string;
  apiToken: ApiTokenJson;
}

/** A user and a cookie session for them. */
export async function signedInUser(
  server: TestServer,
  input: { admin?: boolean } = {},
): Promise<{ user: TestUser; cookie: string }> {
  const user = await server.createUser(input);
  return { user, cookie: await signInWithCookie(server.url, user.email, user.password) };
}

export function postApiToken(
  server: TestServer,
  cookie: string,
  body: Record<string, unknown>,
): Promise<JsonResponse<CreatedToken & { code?: string; message?: string }>> {
  return request(server.url, '/api/me/api-tokens', { cookie, body });
}

/** Creates a token with a cookie session and expects success. */
export async function createApiToken(
  server: TestServer,
  cookie: string,
  body: Record<string, unknown> = {},
): Promise<CreatedToken> {
  const res = await postApiToken(server, cookie, { nickname: 'test token', expiresAt: '30d', ...body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

export function withApiKey(token: string): { headers: Record<string, string> } {
  return { headers: { 'x-api-key': token } };
}

/** Changes the admin configuration over HTTP and expects success. */
export async function configureAuth(
  server: TestServer,
  adminCookie: string,
  patch: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const res = await request(server.url, '/api/admin/auth-configuration', {
    method: 'PATCH',
    cookie: adminCookie,
    body: patch,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/**
 * A workspace with the user as a member, written straight to the tables (the workspaces feature owns the
 * HTTP side); published on the bus as that feature does, so cached principals see it.
 */
export async function addWorkspace(
  server: TestServer,
  userId: string,
  role = 'owner',
): Promise<{ id: string; name: string }> {
  const { db } = server.app.gatehouse.ctx.storage;
  const now = Date.now();
  const id = randomBytes(12).toString('hex');
  const name = `Workspace ${id.slice(0, 6)}`;
  await db
    .insertInto('workspaces')
    .values({ id, name, created_by: userId, created_at: now, updated_at: now })
    .execute();
  await db
    .insertInto('workspace_members')
    .values({ workspace_id: id, user_id: userId, role, created_at: now })
    .execute();
  await server.app.gatehouse.ctx.bus.publish(`workspace:${id}`);
  return { id, name };
}

/** Removes a membership straight from the table and publishes it, as the workspaces feature does. */
export async function removeMember(server: TestServer, workspaceId: string, userId: string): Promise<void> {
  const { db } = server.app.gatehouse.ctx.storage;
  await db
    .deleteFrom('workspace_members')
    .where('workspace_id', '=', workspaceId)
    .where('user_id', '=', userId)
    .execute();
  await server.app.gatehouse.ctx.bus.publish(`workspace:${workspaceId}`);
}
