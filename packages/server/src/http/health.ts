import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../lifecycle/readiness.js';
import type { Storage } from '../storage/database.js';

/**
 * Liveness says the process runs; readiness says it can serve: 503 while the database does not answer,
 * and 200 again as soon as it does, with no restart (the pool reconnects on the next query).
 */
export async function healthRoutes(
  app: FastifyInstance,
  { storage, readiness }: { storage: Storage; readiness: Readiness },
): Promise<void> {
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    if (readiness.draining) {
      reply.status(503).header('retry-after', '5');
      return { status: 'shutting_down', database: storage.dialect };
    }
    try {
      await storage.ping();
      return { status: 'ok', database: storage.dialect };
    } catch {
      reply.status(503).header('retry-after', '5');
      return { status: 'unavailable', database: storage.dialect };
    }
  });
}
