import type { FastifyInstance, FastifyReply, FastifyRequest, InjectOptions, RouteOptions } from 'fastify';
import type { Config } from '../config/load.js';

/** Headers of the reference's own answer that belong to its connection, not to the content. */
const CONNECTION_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'date',
  'content-length',
]);

/**
 * The API reference: the OpenAPI 3.1 document at /openapi.json and Swagger UI at /docs
 * (openapi-reference.ts). Both are built at the first request for either, not at start-up: @fastify/swagger,
 * Swagger UI and what they bring (a YAML library, a second @fastify/static with glob) cost every server
 * ~2.5 MB of memory though few ever serve them (docs/performance.md, "Sixth round, memory"). Registered
 * before the routes: it keeps a reference to every route registered after it, for the document.
 */
export function registerOpenApi(app: FastifyInstance, config: Config): void {
  let reference: Promise<FastifyInstance> | undefined;
  const routes: RouteOptions[] = [];
  const load = (): Promise<FastifyInstance> => {
    reference ??= import('./openapi-reference.js')
      .then(({ buildReference }) => buildReference(routes, config))
      .catch((error: unknown) => {
        // Built again at the next request rather than failing for the life of the process.
        reference = undefined;
        throw error;
      });
    return reference;
  };

  app.get('/openapi.json', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache');
    return (await load()).swagger();
  });
  // Swagger UI's page, its assets and its own copies of the document, answered by the reference as they
  // are, under this server's headers (its Content-Security-Policy among them).
  const forward = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const answer = await (await load()).inject({
      method: request.method as InjectOptions['method'],
      url: request.url,
      headers: request.headers,
    });
    reply.code(answer.statusCode);
    for (const [name, value] of Object.entries(answer.headers)) {
      if (value !== undefined && !CONNECTION_HEADERS.has(name)) reply.header(name, value);
    }
    return reply.send(answer.rawPayload);
  };
  app.get('/docs', { schema: { hide: true } }, forward);
  app.get('/docs/*', { schema: { hide: true } }, forward);
  app.addHook('onClose', async () => {
    await (await reference?.catch(() => undefined))?.close();
  });

  // After the reference's own routes, so only the API's are documented.
  app.addHook('onRoute', (route) => void routes.push(route));
}
