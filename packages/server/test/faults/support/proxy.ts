import { createServer, type Server, Socket } from 'node:net';
import { POSTGRES_URL } from '../../support/databases.js';

interface Pair {
  client: Socket;
  upstream: Socket;
}

/**
 * A TCP proxy in front of PostgreSQL that a fault test controls, as a network would fail:
 * - `cut()`: every open connection is reset (the server restarted, a NAT forgot the flow);
 * - `blackhole()`: bytes stop flowing both ways and new connections hang, nobody is told (a partition);
 * - `refuse()`: the port is closed (the database is down); `heal()` undoes any of them.
 * It listens on a fixed port for its whole life, so the instances keep one database URL.
 */
export class FaultProxy {
  #server: Server | undefined;
  readonly #pairs = new Set<Pair>();
  #blackholed = false;
  readonly #target = new URL(POSTGRES_URL);
  port = 0;

  async start(): Promise<void> {
    await this.#listen();
  }

  /** A database URL through this proxy (the caller adds its own search_path). */
  via(url: string): string {
    return url.replace(/@([^/:]+)(:\d+)?\//, `@127.0.0.1:${this.port}/`);
  }

  async #listen(): Promise<void> {
    const server = createServer((client) => this.#accept(client));
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.#server = server;
  }

  #accept(client: Socket): void {
    const upstream = new Socket();
    const pair = { client, upstream };
    this.#pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.#pairs.delete(pair);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk) => {
      if (!this.#blackholed) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!this.#blackholed) client.write(chunk);
    });
    upstream.connect(Number(this.#target.port || 5432), this.#target.hostname);
  }

  /** Resets every open connection; new ones still pass. */
  cut(): void {
    for (const { client, upstream } of this.#pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    this.#pairs.clear();
  }

  /** Silently drops every byte, on open connections and on new ones, until `heal()`. */
  blackhole(): void {
    this.#blackholed = true;
  }

  /** Closes the port and resets every connection: the database is gone. */
  async refuse(): Promise<void> {
    this.cut();
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async heal(): Promise<void> {
    this.#blackholed = false;
    if (!this.#server) await this.#listen();
  }

  /** Connections blackholed while they were open stay dead: the server must notice and replace them. */
  get openConnections(): number {
    return this.#pairs.size;
  }

  async stop(): Promise<void> {
    if (this.#server) await this.refuse();
  }
}
