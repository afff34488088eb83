import type { GatehouseBackend } from '../gatehouse-backend.js';
import type { GatehousePrincipal, Requirements } from '../principal.js';
import { headerValue, refusal } from './respond.js';

/** The parts of Fastify's request and reply the hook uses (no dependency on Fastify). */
interface FastifyRequestLike {
  headers: Record<string, string | string[] | undefined>;
  gatehouse?: GatehousePrincipal;
}
interface FastifyReplyLike {
  code(status: number): FastifyReplyLike;
  headers(values: Record<string, string>): FastifyReplyLike;
  send(payload: unknown): unknown;
}

/**
 * A Fastify `preHandler`: authenticates the request (bearer token, else session cookie), checks
 * `requirements`, and puts the principal on `request.gatehouse`; answers 401/403 otherwise. Declare the
 * property once with `declare module 'fastify' { interface FastifyRequest { gatehouse?: GatehousePrincipal } }`.
 *
 * @example
 * ```ts
 * app.get('/me', { preHandler: gatehouseFastify(gatehouse, { roles: ['admin'] }) }, async (request) => ({
 *   user: request.gatehouse?.userId,
 * }));
 * ```
 */
export function gatehouseFastify(backend: GatehouseBackend, requirements?: Requirements) {
  return async (request: FastifyRequestLike, reply: FastifyReplyLike): Promise<void> => {
    try {
      request.gatehouse = await backend.authenticate(
        {
          authorization: headerValue(request.headers['authorization']),
          cookie: headerValue(request.headers['cookie']),
        },
        requirements,
      );
    } catch (error) {
      const refused = refusal(error);
      if (!refused) throw error;
      await reply.code(refused.status).headers(refused.headers).send(refused.body);
    }
  };
}
