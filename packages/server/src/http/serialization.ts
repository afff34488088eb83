import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';
import type { FastifyInstance, FastifySerializerCompiler } from 'fastify';

type RouteSchema = Parameters<FastifySerializerCompiler<unknown>>[0];
type Serialize = (data: unknown) => string;

/**
 * Fastify's own response serializer: fast-json-stringify with the options Fastify gives it when none are
 * configured (no shared schemas, Gatehouse adds none). Exported so a test can compile every route's
 * response schemas, which start-up no longer does.
 */
const fastifyDefault = SerializerSelector()({}, undefined);
export const compileSerializer = (route: RouteSchema): Serialize =>
  // Fastify always names the status for a response schema; its type shares the shape of the validators'.
  fastifyDefault({ ...route, httpStatus: route.httpStatus ?? '' });

/**
 * Compiles a route's response serializer at its first answer rather than at start-up, as the validators are
 * (validation.ts): fast-json-stringify generates a function's source per response schema, and ~80 of them
 * held ~3 MB of heap (their source text and the code around it) in every server, though most servers only
 * ever answer on a fraction of their routes (docs/performance.md, "Sixth round, memory"). The serializer is
 * the same one Fastify would build, so a response still carries only the properties its schema lists.
 */
export function registerLazySerializers(app: FastifyInstance, compile = compileSerializer): void {
  app.setSerializerCompiler((route) => {
    let serialize: Serialize | undefined;
    return (data: unknown) => {
      serialize ??= compile(route);
      return serialize(data);
    };
  });
}
