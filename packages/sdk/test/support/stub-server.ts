import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the stub saw it, for asserting what the SDK put on the wire. */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface StubReply {
  status?: number;
  headers?: Record<string, string | string[]>;
  /** Objects are sent as JSON, strings as they are. */
  body?: unknown;
  /** Wait this long before answering (to test timeouts and overlapping requests). */
  delayMs?: number;
}

export type StubHandler = (request: RecordedRequest, index: number) => StubReply | Promise<StubReply>;

export interface StubServer {
  url: string;
  requests: RecordedRequest[];
  /** Requests to one path, in arrival order. */
  requestsTo(path: string): RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A tiny HTTP server on 127.0.0.1 answering crafted responses. Used only for transport behaviour the
 * real server cannot be made to show on demand (429/503 with Retry-After, hangs, malformed bodies).
 */
export async function startStubServer(handler: StubHandler): Promise<StubServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://stub');
    const recorded: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    requests.push(recorded);
    try {
      const reply = await handler(recorded, requests.length - 1);
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
      if (res.destroyed) return;
      const isText = typeof reply.body === 'string';
      const payload =
        reply.body === undefined ? '' : isText ? String(reply.body) : JSON.stringify(reply.body);
      const headers: Record<string, string | string[]> = { ...reply.headers };
      if (payload && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
        headers['content-type'] = isText ? 'text/plain' : 'application/json';
      }
      res.writeHead(reply.status ?? 200, headers);
      res.end(payload);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    requestsTo: (path) => requests.filter((request) => request.path === path),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
