import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import Fastify, { type FastifyReply } from 'fastify';

/** Sets the fixed security headers on one reply. */
export type SecurityHeaderWriter = (reply: FastifyReply) => void;

interface Probe {
  headers: Record<string, string>;
  /** The reply's own header store, as found on the probe's reply (see securityHeaderWriter). */
  store: symbol | undefined;
}

/**
 * Computes helmet's headers for these options once, with helmet itself: a throwaway instance registers
 * @fastify/helmet and reads back what it set on the raw response before any route ran. It also finds where a
 * Fastify reply keeps its headers (below), on a reply that has none yet, the state every request starts in.
 */
async function probeHelmet(options: FastifyHelmetOptions): Promise<Probe> {
  const probe = Fastify({ logger: false });
  let store: symbol | undefined;
  probe.addHook('onRequest', (_request, reply, done) => {
    store = Object.getOwnPropertySymbols(reply).find((symbol) => {
      const value = (reply as unknown as Record<symbol, unknown>)[symbol];
      return symbol.description === 'fastify.reply.headers' && isEmptyRecord(value);
    });
    done();
  });
  await probe.register(helmet, options);
  let headers: Record<string, string> = {};
  probe.get('/', async (_request, reply) => {
    headers = Object.fromEntries(
      Object.entries(reply.raw.getHeaders()).map(([name, value]) => [name, String(value)]),
    );
    return '';
  });
  await probe.inject('/');
  await probe.close();
  if (!headers['content-security-policy']) throw new Error('helmet set no Content-Security-Policy');
  return { headers, store };
}

function isEmptyRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

/** isEmptyRecord without allocating the key array (it runs on every request). */
function hasNoKeys(value: object): boolean {
  for (const _ in value) return false;
  return true;
}

/**
 * Whether filling `store` with a copy of `headers` is exactly what `reply.headers(headers)` does: checked on
 * a real reply and response, so a Fastify whose replies keep their headers elsewhere gets the plain path.
 */
async function storeWorks(store: symbol, headers: Record<string, string>): Promise<boolean> {
  const app = Fastify({ logger: false });
  app.addHook('onRequest', (_request, reply, done) => {
    const target = reply as unknown as Record<symbol, unknown>;
    if (isEmptyRecord(target[store])) target[store] = { ...headers };
    done();
  });
  app.get('/', async (_request, reply) => {
    reply.header('x-later', 'kept');
    return 'ok';
  });
  const response = await app.inject('/');
  await app.close();
  return (
    response.headers['x-later'] === 'kept' &&
    Object.entries(headers).every(([name, value]) => response.headers[name] === value)
  );
}

/**
 * helmet's security headers (CSP, HSTS, X-Frame-Options, X-Content-Type-Options, …) for every response,
 * 404s and errors included. @fastify/helmet rebuilds helmet's whole middleware, CSP parsing included, on
 * every request; nothing here varies per request (no CSP nonces), so the values are computed once at
 * start-up by helmet itself. Setting them is also done once per request rather than once per header:
 * `reply.headers()` lower-cases each of the 13 names and adds them one by one to the reply's header object,
 * which the benchmark's profile put at a few µs per request (more than the whole session check). A new reply's
 * header object is empty, so it is replaced by a copy of the prepared one, which V8 clones in one step.
 * That object is Fastify's own (`fastify.reply.headers`, not a public API): it is found and checked on a
 * probe at start-up, and a Fastify that keeps headers elsewhere gets `reply.headers()` instead.
 */
export async function securityHeaderWriter(options: FastifyHelmetOptions): Promise<SecurityHeaderWriter> {
  const probe = await probeHelmet(options);
  // Answers depend on the request's Origin (CORS, http/cors.ts), also those to requests without one.
  const headers: Record<string, string> = { ...probe.headers, vary: 'Origin' };
  const store = probe.store;
  if (store && (await storeWorks(store, headers))) {
    return (reply) => {
      const target = reply as unknown as Record<symbol, Record<string, unknown>>;
      // Empty on every new reply; anything already set (never, today) keeps the plain path and its value.
      const current = target[store];
      if (current !== undefined && hasNoKeys(current)) target[store] = { ...headers };
      else reply.headers(headers);
    };
  }
  return (reply) => {
    reply.headers(headers);
  };
}
