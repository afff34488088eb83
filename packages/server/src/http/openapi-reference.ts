import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type HTTPMethods, type RouteOptions } from 'fastify';
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

/** Never called: the reference's copies of the API routes exist only for their schemas to be read. */
async function notServed(): Promise<never> {
  throw new Error('the API reference does not serve the API');
}

/**
 * The API reference as a Fastify instance of its own, built at its first request (openapi.ts): the OpenAPI
 * 3.1 document generated from the API's route schemas (@fastify/swagger) and Swagger UI at /docs, served
 * from the installed package (no CDN: the pages pass Gatehouse's own Content-Security-Policy). `routes`
 * are the API's routes as the server registered them; each is added here again with its schema, for
 * @fastify/swagger to read, and never runs. Pages (account pages, the console, the OAuth login) are not API
 * and stay out.
 */
export async function buildReference(
  routes: readonly RouteOptions[],
  config: Config,
): Promise<FastifyInstance> {
  const reference = Fastify({
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
  });
  // The schemas are documented, not run: nothing is compiled for them.
  reference.setValidatorCompiler(() => () => true);
  reference.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await reference.register(swagger, {
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
  await reference.register(swaggerUi, {
    routePrefix: '/docs',
    uiConfig: { docExpansion: 'none', deepLinking: true, tryItOutEnabled: false },
    theme: { title: 'Gatehouse API reference' },
  });
  for (const route of routes) {
    // Fastify adds each GET's HEAD itself, here as in the server.
    const method = [route.method].flat().filter((each): each is HTTPMethods => each.toUpperCase() !== 'HEAD');
    if (method.length === 0) continue;
    reference.route({
      method,
      url: route.url,
      ...(route.schema && { schema: route.schema }),
      handler: notServed,
    });
  }
  await reference.ready();
  return reference;
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
