import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { type ConsoleBuild, findConsoleBuild } from './build-output.js';

/**
 * The console's own policy, stricter than the API's: scripts, styles and everything else from this origin
 * only (no inline script or style, no CDN), API calls to this origin only, no framing, no plugins, and
 * Trusted Types with no policy at all, so no string can ever reach an HTML or script sink (DOM XSS).
 * `upgrade-insecure-requests` is left out on purpose: on a plain-HTTP address (a LAN IP) it would send
 * the asset requests to an HTTPS port that is not there.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

/** Hashed file names change with their content, so a browser may keep them for a year without asking. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the web console at /console: the hashed assets from the build with immutable caching, and the page
 * for every other /console path (the console routes in the browser), revalidated on every load so a new
 * deployment is picked up at once. Registered without fastify-plugin, so the hook below only touches
 * console responses.
 */
export async function consoleRoutes(
  app: FastifyInstance,
  options: { build?: ConsoleBuild | undefined } = {},
): Promise<void> {
  const build = 'build' in options ? options.build : findConsoleBuild();

  app.addHook('onRequest', async (_request, reply) => {
    reply.header('content-security-policy', CONSOLE_CSP);
  });

  if (!build) {
    app.log.warn('the web console is not built: run `npm run build` (or `npm install`) to serve /console');
    const notBuilt = async (_request: unknown, reply: FastifyReply) =>
      reply.status(503).header('cache-control', 'no-store').send({
        code: 'CONSOLE_NOT_BUILT',
        message: 'The web console is not built on this server: run `npm run build` and restart',
      });
    app.get('/console', notBuilt);
    app.get('/console/*', notBuilt);
    return;
  }

  await app.register(fastifyStatic, {
    root: build.assetsDir,
    prefix: '/console/assets/',
    // One route per file present at start; an unknown asset falls through to the 404 below.
    wildcard: false,
    index: false,
    decorateReply: false,
    cacheControl: false,
    setHeaders: (response) => {
      response.setHeader('cache-control', IMMUTABLE);
    },
  });

  const page = async (_request: unknown, reply: FastifyReply) =>
    reply
      .header('content-type', 'text/html; charset=utf-8')
      // Revalidated on each load: the page is tiny, and it is what points at the current assets.
      .header('cache-control', 'no-cache')
      .send(build.indexHtml);

  app.get('/console', page);
  app.get<{ Params: { '*'?: string } }>('/console/*', async (request, reply) => {
    const { '*': rest = '' } = request.params;
    // A missing asset is a 404, not the page: a stale hashed name must not be answered with HTML.
    if (rest.toLowerCase().startsWith('assets/'))
      return reply.status(404).send({ code: 'NOT_FOUND', message: 'No such console asset' });
    return page(request, reply);
  });
}
