import { readdirSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** The types the console's build emits (esbuild: scripts, styles, the icon, fonts, source maps). */
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
};

/** Hashed file names change with their content, so a browser may keep them for a year without asking. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Every file under `dir` (its subdirectories included), as URL paths relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(dir, name)).isFile())
    .map((name) => name.split(sep).join('/'));
}

/**
 * Serves the console's hashed assets: one route per file present at start-up, so an unknown name (a stale
 * hash) falls through to the caller's 404 and no request path ever reaches the file system. Each answer is
 * the file read at that moment, immutable for a year, with the weak ETag and Last-Modified a static-file
 * server gives (a conditional request is answered 304). Written here rather than with @fastify/static,
 * whose package and dependencies (send, mime's type table, glob) held ~1.3 MB of every server's heap
 * for nine files (docs/performance.md, "Sixth round, memory").
 */
export function registerConsoleAssets(app: FastifyInstance, dir: string, prefix: string): void {
  for (const name of filesUnder(dir)) {
    const path = join(dir, ...name.split('/'));
    const type = CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
    app.get(`${prefix}${name}`, async (request: FastifyRequest, reply: FastifyReply) => {
      const stats = await stat(path).catch(() => undefined);
      // Gone since start-up (a build replaced under a running server): as unknown as any other stale name.
      if (!stats) return reply.code(404).send({ code: 'NOT_FOUND', message: 'No such console asset' });
      const etag = `W/"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}"`;
      reply
        .header('cache-control', IMMUTABLE)
        .header('last-modified', stats.mtime.toUTCString())
        .header('etag', etag)
        .type(type);
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply.send(await readFile(path));
    });
  }
}
