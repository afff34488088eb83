import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import type { Services } from '../../services.js';
import type { RoleKind } from './role-store.js';
import {
  AdminUserDetail,
  adminUserView,
  CreateRoleBody,
  Message,
  Role,
  RoleParams,
  SetRolesBody,
  UserListQuery,
  UserParams,
} from './schemas.js';

/**
 * /api/admin: users' global roles and the deployment's custom roles. Global admins only, and never with an
 * API token: a leaked token must not be able to grant roles.
 */
export async function adminRoutes(app: FastifyInstance, { services }: { services: Services }): Promise<void> {
  const { admin } = services;
  const adminOnly = requireAuth({ role: 'admin', refuse: ['api_token'] });

  app.get(
    '/api/admin/users',
    {
      schema: { querystring: UserListQuery, response: { 200: Type.Array(AdminUserDetail) } },
      preHandler: adminOnly,
    },
    async (request) => {
      const query = request.query as UserListQuery;
      const rows = await admin.listUsers({
        search: query.q?.trim(),
        limit: query.limit,
        offset: query.offset,
      });
      return rows.map(adminUserView);
    },
  );

  app.put(
    '/api/admin/users/:id/roles',
    {
      schema: { params: UserParams, body: SetRolesBody, response: { 200: AdminUserDetail } },
      preHandler: adminOnly,
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { roles } = request.body as SetRolesBody;
      const user = await admin.setUserRoles(id, roles);
      await services.audit.record({
        actor: authOf(request).user,
        ip: request.ip,
        target: user,
        action: 'user.set_roles',
        detail: { roles },
      });
      return adminUserView(user);
    },
  );

  /** The same three endpoints for global roles (/roles) and workspace roles (/workspace-roles). */
  function roleEndpoints(path: string, kind: RoleKind) {
    app.get(path, { schema: { response: { 200: Type.Array(Role) } }, preHandler: adminOnly }, async () =>
      admin.listRoles(kind),
    );

    app.post(
      path,
      { schema: { body: CreateRoleBody, response: { 201: Role } }, preHandler: adminOnly },
      async (request, reply) => {
        const body = request.body as CreateRoleBody;
        const role = await admin.createRole(kind, body.name, body.description?.trim() ?? '');
        await services.audit.record({
          actor: authOf(request).user,
          ip: request.ip,
          action: `${kind}_role.create`,
          detail: { name: body.name },
        });
        reply.status(201);
        return role;
      },
    );

    app.delete(
      `${path}/:name`,
      { schema: { params: RoleParams, response: { 200: Message } }, preHandler: adminOnly },
      async (request) => {
        const { name } = request.params as { name: string };
        await admin.deleteRole(kind, name);
        await services.audit.record({
          actor: authOf(request).user,
          ip: request.ip,
          action: `${kind}_role.delete`,
          detail: { name },
        });
        return { message: 'Role deleted' };
      },
    );
  }

  roleEndpoints('/api/admin/roles', 'global');
  roleEndpoints('/api/admin/workspace-roles', 'workspace');
}
