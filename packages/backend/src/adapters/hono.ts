import type { GatehouseBackend } from '../gatehouse-backend.js';
import type { GatehousePrincipal, Requirements } from '../principal.js';
import { refusal } from './respond.js';

/** The parts of Hono's context the middleware uses (no dependency on Hono). */
interface HonoContextLike {
  req: { header(name: string): string | undefined };
  set(key: 'gatehouse', value: GatehousePrincipal): void;
  json(body: unknown, status?: number, headers?: Record<string, string>): Response;
}

/**
 * Hono middleware: authenticates the request, checks `requirements`, and sets `c.get('gatehouse')`;
 * answers 401/403 otherwise.
 *
 * @example
 * ```ts
 * app.use('/api/*', gatehouseHono(gatehouse, { scopes: ['notes:read'] }));
 * app.get('/api/notes', (c) => c.json({ owner: c.get('gatehouse').userId }));
 * ```
 */
export function gatehouseHono(backend: GatehouseBackend, requirements?: Requirements) {
  return async (c: HonoContextLike, next: () => Promise<void>): Promise<Response | undefined> => {
    try {
      c.set(
        'gatehouse',
        await backend.authenticate(
          { authorization: c.req.header('authorization'), cookie: c.req.header('cookie') },
          requirements,
        ),
      );
    } catch (error) {
      const refused = refusal(error);
      if (!refused) throw error;
      return c.json(refused.body, refused.status, refused.headers);
    }
    await next();
    return undefined;
  };
}
