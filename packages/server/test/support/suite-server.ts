import { afterAll, beforeAll } from 'vitest';
import { type StartOptions, startTestServer, type TestServer } from './server.js';

/**
 * One test server for the calling describe: its beforeAll starts it with `options` and hands it to
 * `started`, its afterAll closes it (and drops its fresh database). A suite on its own clock passes
 * `now: () => clock` and moves `clock`. Apart from server.ts, which stays free of vitest: the other
 * packages' test support loads it.
 */
export function useTestServer(options: StartOptions, started: (server: TestServer) => void): void {
  let server: TestServer | undefined;
  beforeAll(async () => {
    server = await startTestServer(options);
    started(server);
  });
  afterAll(async () => {
    await server?.close();
  });
}
