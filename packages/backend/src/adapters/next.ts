import type { GatehouseBackend } from '../gatehouse-backend.js';
import type { GatehousePrincipal, Requirements } from '../principal.js';
import { refusal } from './respond.js';

/**
 * Wraps a Next.js route handler (app router, or any Fetch-API handler): the handler runs only for an
 * authenticated request meeting `requirements`, and gets the principal; others get 401/403 JSON.
 *
 * @example
 * ```ts
 * // app/api/notes/route.ts
 * export const GET = withGatehouse(gatehouse, { scopes: ['notes:read'] }, async (request, principal) =>
 *   Response.json({ owner: principal.userId }),
 * );
 * ```
 */
export function withGatehouse<Context = unknown>(
  backend: GatehouseBackend,
  requirements: Requirements | undefined,
  handler: (
    request: Request,
    principal: GatehousePrincipal,
    context: Context,
  ) => Response | Promise<Response>,
) {
  return async (request: Request, context: Context): Promise<Response> => {
    let principal: GatehousePrincipal;
    try {
      principal = await backend.authenticate(
        {
          authorization: request.headers.get('authorization') ?? undefined,
          cookie: request.headers.get('cookie') ?? undefined,
        },
        requirements,
      );
    } catch (error) {
      const refused = refusal(error);
      if (!refused) throw error;
      return Response.json(refused.body, { status: refused.status, headers: refused.headers });
    }
    return handler(request, principal, context);
  };
}
