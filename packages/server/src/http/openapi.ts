import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/load.js';

/** Tags by path prefix, so the reference groups operations the way docs/ does. */
const TAGS: [prefix: string, tag: string][] = [
  ['/api/admin', 'Administration'],
  ['/api/workspaces', 'Workspaces'],
  ['/api/invitations', 'Workspaces'],
  ['/api/me/api-tokens', 'API tokens'],
  ['/api/me', 'Account'],
  ['/api/token', 'Tokens'],
  ['/api/auth', 'Social login'],
  ['/api', 'Sign-in and sessions'],
  ['/oauth2', 'OAuth 2.0 and OpenID Connect'],
  ['/.well-known', 'OAuth 2.0 and OpenID Connect'],
  ['/health', 'Health'],
];

/**
 * The API reference: an OpenAPI 3.1 document generated from the route schemas (@fastify/swagger) at
 * /openapi.json, and Swagger UI at /docs, served from the installed package (no CDN: the pages pass
 * Gatehouse's own Content-Security-Policy). Registered before the routes, which it collects as they are
 * added. Pages (account pages, the console, the OAuth login) are not API and stay out.
 */
export async function registerOpenApi(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Gatehouse API',
        version: '0.1.0',
        description:
          'Self-hosted authentication: cookie sessions, access and refresh tokens, API tokens, workspaces and ' +
          'roles, OAuth 2.0 and OpenID Connect. Errors answer `{ code, message }` (docs/errors.md).',
      },
      servers: [{ url: config.publicUrl.origin }],
      components: {
        securitySchemes: {
          session: {
            type: 'apiKey',
            in: 'cookie',
            name: config.secureCookies ? '__Host-gatehouse_session' : 'gatehouse_session',
          },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiToken: { type: 'apiKey', in: 'header', name: 'x-api-key' },
        },
      },
      security: [{ session: [] }, { bearer: [] }, { apiToken: [] }],
    },
    hideUntagged: false,
    transform: ({ schema, url, route }) => {
      const tag = TAGS.find(([prefix]) => url.startsWith(prefix))?.[1];
      const hide = tag === undefined || (schema as { hide?: boolean } | undefined)?.hide === true;
      // Routes without a schema still appear (with what Fastify knows: method, path, parameters).
      const base = { ...(schema ?? {}) } as Record<string, unknown>;
      // A query of free-form names (a record, e.g. /oauth2/authorize's) has no parameters to list.
      const query = base['querystring'] as { properties?: unknown } | undefined;
      if (query && !query.properties) delete base['querystring'];
      if (hide) return { schema: { ...base, hide: true }, url };
      return { schema: { ...base, tags: [tag], operationId: operationId(route.method, url) }, url };
    },
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'none', deepLinking: true, tryItOutEnabled: false },
    theme: { title: 'Gatehouse API reference' },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    return app.swagger();
  });
}

/** `GET /api/workspaces/:id/members` → `getApiWorkspacesIdMembers`: unique per method and path. */
function operationId(method: string | string[], url: string): string {
  const verb = [method].flat()[0]?.toLowerCase() ?? 'any';
  const words = url
    .split(/[/\-_.:{}]+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() + word.slice(1));
  return verb + words.join('');
}
