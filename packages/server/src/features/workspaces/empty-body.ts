import type { FastifyRequest, onRequestAsyncHookHandler } from 'fastify';

/**
 * The published Qelos SDK posts `activate` with `content-type: application/json` and no body, which Fastify
 * refuses (400, empty JSON body). On body-less action routes an empty body means "no parameters": the
 * content type is dropped so the request is handled as having no body at all.
 */
export const tolerateEmptyJsonBody: onRequestAsyncHookHandler = async (request: FastifyRequest) => {
  const headers = request.raw.headers;
  if (headers['content-length'] === '0' && headers['transfer-encoding'] === undefined)
    delete headers['content-type'];
};
