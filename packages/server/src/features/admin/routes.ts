import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import type { RoleKind } from '../identity/role-store.js';
import { AdminUserDetail, UserParams } from '../identity/schemas.js';
import { adminUserView } from '../identity/user-view.js';
import { CreateRoleBody, Message, Role, RoleParams, SetRolesBody, UserListQuery } from './schemas.js';
import type { AdminService } from './service.js';

/**
 * /api/admin: users' global roles and the deployment's custom roles. Global admins only, and never with an
 * API token: a leaked token must not be able to grant roles.
 */
export async function adminRoutes(
  plugin: FastifyInstance,
  { admin, audit }: { admin: AdminService; audit: AuditTrail },
): Promise<void> {
  // Handlers are typed by their schemas: `request.body.roles` is a string list because SetRolesBody says so.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const adminOnly = requireAuth({ role: 'admin', refuse: ['api_token'] });

  app.get(
    '/api/admin/users',
    {
      schema: { querystring: UserListQuery, response: { 200: Type.Array(AdminUserDetail) } },
      preHandler: adminOnly,
    },
    async (request) => {
      const { query } = request;
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
      const { id } = request.params;
      const { roles } = request.body;
      const user = await admin.setUserRoles(id, roles);
      await audit.record({
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
        const { body } = request;
        const role = await admin.createRole(kind, body.name, body.description?.trim() ?? '');
        await audit.record({
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
        const { name } = request.params;
        await admin.deleteRole(kind, name);
        await audit.record({
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
