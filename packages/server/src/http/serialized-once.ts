import type { FastifyReply } from 'fastify';

/** What Fastify itself sets for a JSON body it serializes. */
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * The JSON of a shared, read-only response object, serialized by the route's own response schema once per
 * object rather than on every request. For objects a cache hands out unchanged until their source changes
 * (the user view of a cached principal, identity/user-view.ts): a changed source is a new object, so a
 * stale body cannot outlive it. Fastify sends a string body with a JSON content type as it is.
 */
export class SerializedOnce<T extends object> {
  readonly #bodies = new WeakMap<T, ReturnType<FastifyReply['serialize']>>();

  /** Sends `value` as the reply's body. */
  send(reply: FastifyReply, value: T): void {
    let body = this.#bodies.get(value);
    if (body === undefined) {
      body = reply.serialize(value);
      this.#bodies.set(value, body);
    }
    reply.type(JSON_CONTENT_TYPE).send(body);
  }
}
