import type { FastifyInstance } from 'fastify';
import type { Readiness } from '../lifecycle/readiness.js';
import type { Storage } from '../storage/database.js';
import type { InvalidationBus } from '../storage/invalidation.js';

/**
 * Liveness says the process runs; readiness says it can serve: 503 while shutting down, while the database
 * does not answer, and (PostgreSQL) while the invalidation listener reconnects; 200 again as soon as all
 * is back, with no restart (docs/deployment.md).
 */
export async function healthRoutes(
  app: FastifyInstance,
  { storage, readiness, bus }: { storage: Storage; readiness: Readiness; bus: InvalidationBus },
): Promise<void> {
  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    if (readiness.draining) {
      reply.status(503).header('retry-after', '5');
      return { status: 'shutting_down', database: storage.dialect };
    }
    const listener = bus.listening ? {} : { invalidation: 'reconnecting' };
    try {
      await storage.ping();
    } catch {
      reply.status(503).header('retry-after', '5');
      return { status: 'unavailable', database: storage.dialect, ...listener };
    }
    // Revocations made on other instances would reach this one only when its listener is back.
    if (!bus.listening) {
      reply.status(503).header('retry-after', '5');
      return { status: 'unavailable', database: storage.dialect, ...listener };
    }
    return { status: 'ok', database: storage.dialect };
  });
}
