import type { GatehouseBackend } from '../gatehouse-backend.js';
import type { GatehousePrincipal, Requirements } from '../principal.js';
import { headerValue, refusal } from './respond.js';

/** The parts of Express's request and response the middleware uses (no dependency on Express). */
interface ExpressRequest {
  headers: Record<string, string | string[] | undefined>;
  gatehouse?: GatehousePrincipal;
}
interface ExpressResponse {
  status(code: number): ExpressResponse;
  set(headers: Record<string, string>): ExpressResponse;
  json(body: unknown): unknown;
}

/**
 * Express middleware: authenticates the request (bearer token, else session cookie), checks `requirements`,
 * and puts the principal on `req.gatehouse`; answers 401/403 in Gatehouse's error shape otherwise.
 *
 * @example
 * ```ts
 * app.get('/notes', gatehouseExpress(gatehouse, { scopes: ['notes:read'] }), (req, res) => {
 *   res.json({ owner: req.gatehouse.userId });
 * });
 * ```
 */
export function gatehouseExpress(backend: GatehouseBackend, requirements?: Requirements) {
  return (request: ExpressRequest, response: ExpressResponse, next: (error?: unknown) => void): void => {
    backend
      .authenticate(
        {
          authorization: headerValue(request.headers['authorization']),
          cookie: headerValue(request.headers['cookie']),
        },
        requirements,
      )
      .then(
        (principal) => {
          request.gatehouse = principal;
          next();
        },
        (error: unknown) => {
          const refused = refusal(error);
          if (!refused) return next(error);
          response.status(refused.status).set(refused.headers).json(refused.body);
        },
      );
  };
}
