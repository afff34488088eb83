import { createServer, type Server, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, POSTGRES_URL, testDatabases } from './support/databases.js';
import { request } from './support/http.js';
import { startTestServer, type TestServer } from './support/server.js';

/** A TCP proxy in front of PostgreSQL that the test can cut and restore, as a network outage would. */
class Outage {
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();
  port = 0;

  async open(): Promise<void> {
    const target = new URL(POSTGRES_URL);
    this.#server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(Number(target.port || 5432), target.hostname);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('close', () => this.#sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
    const address = this.#server.address();
    if (address && typeof address === 'object') this.port = address.port;
  }

  async cut(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
  }
}

describe('health', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.close());

  it('says live and ready on a healthy server', async () => {
    expect((await request(server.url, '/health/live')).body).toEqual({ status: 'ok' });
    const ready = await request(server.url, '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', database: 'sqlite' });
  });

  it('says not-ready while shutting down and asks every client to reconnect elsewhere', async () => {
    const draining = await startTestServer();
    try {
      draining.app.readiness.draining = true;
      const ready = await request(draining.url, '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toEqual({ status: 'shutting_down', database: 'sqlite' });
      expect(ready.headers.get('retry-after')).toBeTruthy();
      const live = await request(draining.url, '/health/live');
      expect(live.status).toBe(200);
      expect(live.headers.get('connection')).toBe('close');
    } finally {
      await draining.close();
    }
  });
});

describe.runIf(testDatabases.includes('postgres'))('health when PostgreSQL goes away', () => {
  const outage = new Outage();
  let server: TestServer;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    await outage.open();
    const fresh = await freshDatabase('postgres', POSTGRES_URL.replace(/:\d+\//, `:${outage.port}/`));
    drop = fresh.drop;
    server = await startTestServer({ database: 'postgres', databaseUrl: fresh.url });
  });
  afterAll(async () => {
    await server.close();
    await drop();
  });

  it('goes 503 with Retry-After while the database is unreachable and recovers without a restart', async () => {
    const user = await server.createUser();
    expect((await request(server.url, '/health/ready')).status).toBe(200);

    await outage.cut();
    const down = await request(server.url, '/health/ready');
    expect(down.status).toBe(503);
    expect(down.headers.get('retry-after')).toBeTruthy();
    expect((await request(server.url, '/health/live')).status).toBe(200);
    const signin = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password },
    });
    expect(signin.status).toBe(503);
    expect(signin.body).toEqual({ code: 'SERVICE_UNAVAILABLE', message: expect.any(String) });
    expect(signin.headers.get('retry-after')).toBeTruthy();

    // The invalidation listener is lost with the database: readiness says so until it is back.
    expect(down.body).toEqual({ status: 'unavailable', database: 'postgres', invalidation: 'reconnecting' });

    await outage.open();
    // Back within the listener's reconnection back-off (at most 5 s between attempts), polled every 100 ms.
    const deadline = Date.now() + 10_000;
    let ready = await request(server.url, '/health/ready');
    while (ready.status !== 200 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      ready = await request(server.url, '/health/ready');
    }
    expect(ready.body).toEqual({ status: 'ok', database: 'postgres' });
    const again = await request(server.url, '/api/signin', {
      body: { username: user.email, password: user.password },
    });
    expect(again.status).toBe(200);
  });
});
