import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { authOf, requireAuth } from '../../http/guards.js';
import type { AuditTrail } from '../audit/audit-trail.js';
import type { Mailer } from '../mail/mailer.js';
import { EMAIL_VERIFICATION_POLICIES, SECOND_FACTOR_POLICIES } from './configuration.js';
import type { AuthConfigService } from './service.js';

const RoleList = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 });

const AuthConfigurationView = Type.Object({
  allowUserTokenAuthentication: Type.Boolean(),
  tokenAuthenticationPermissions: Type.Object({
    roles: Type.Array(Type.String()),
    wsRoles: Type.Array(Type.String()),
  }),
  maxTokensPerUser: Type.Integer(),
  allowNeverExpiring: Type.Boolean(),
  allowQueryParameter: Type.Boolean(),
  emailVerification: Type.Union(EMAIL_VERIFICATION_POLICIES.map((p) => Type.Literal(p))),
  requireSecondFactor: Type.Union(SECOND_FACTOR_POLICIES.map((p) => Type.Literal(p))),
});

const AuthConfigurationPatch = Type.Object(
  {
    allowUserTokenAuthentication: Type.Optional(Type.Boolean()),
    tokenAuthenticationPermissions: Type.Optional(
      Type.Object(
        { roles: Type.Optional(RoleList), wsRoles: Type.Optional(RoleList) },
        { additionalProperties: false },
      ),
    ),
    maxTokensPerUser: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
    allowNeverExpiring: Type.Optional(Type.Boolean()),
    allowQueryParameter: Type.Optional(Type.Boolean()),
    emailVerification: Type.Optional(Type.Union(EMAIL_VERIFICATION_POLICIES.map((p) => Type.Literal(p)))),
    requireSecondFactor: Type.Optional(Type.Union(SECOND_FACTOR_POLICIES.map((p) => Type.Literal(p)))),
  },
  { additionalProperties: false },
);

/**
 * Admin-only reading and editing of the authentication configuration. Refused with an API token: a leaked
 * token of an admin must not be able to switch on never-expiring tokens or the query parameter.
 */
export async function authConfigRoutes(
  plugin: FastifyInstance,
  {
    authConfig,
    mailer,
    audit,
  }: { authConfig: AuthConfigService; mailer: Pick<Mailer, 'assertAvailable'>; audit: AuditTrail },
): Promise<void> {
  // Handlers are typed by their schemas: the PATCH body is an AuthConfigurationPatch.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const guard = requireAuth({ role: 'admin', refuse: ['api_token'] });

  app.get(
    '/api/admin/auth-configuration',
    { schema: { response: { 200: AuthConfigurationView } }, preHandler: guard },
    () => authConfig.get(),
  );

  app.patch(
    '/api/admin/auth-configuration',
    { schema: { body: AuthConfigurationPatch, response: { 200: AuthConfigurationView } }, preHandler: guard },
    async (request) => {
      const changes = request.body;
      // Required verification without mail would lock every unverified account out for good.
      if (changes.emailVerification === 'required') mailer.assertAvailable('Required e-mail verification');
      const config = await authConfig.update(changes);
      await audit.record({
        actor: authOf(request).user,
        ip: request.ip,
        action: 'auth_configuration.update',
        detail: changes,
      });
      return config;
    },
  );
}
