import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { twoInstances } from './support/instances.js';
import { startTestServer, type TestServer, testDatabases } from './support/server.js';

const LIMIT = 5;
const BURST = 40;
/**
 * A fixed clock: every attempt falls in one per-minute window, so the limit is the only thing under test (a
 * burst straddling a minute's end would rightly get a second window).
 */
const clock = Date.UTC(2026, 10, 28, 12, 0, 30);
const env = { GATEHOUSE_SIGNIN_RATE_PER_MINUTE: String(LIMIT), GATEHOUSE_LOCKOUT_THRESHOLD: '1000' };

/**
 * The per-address sign-in limit (features/accounts/throttle.ts, `admitPasswordGuess`: the client's window,
 * the account look-up and the guess's reservation as one database step) under sign-ins that arrive at the
 * same moment from one address (all of them from 127.0.0.1): exactly LIMIT are let through to the password check, every other one is
 * 429, on one instance or spread over two.
 */
async function burst(servers: TestServer[]) {
  const answers = await Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      request(servers[i % servers.length]!.url, '/api/signin', {
        body: { username: `nobody-${i}@example.test`, password: 'wrong-password' },
      }),
    ),
  );
  const statuses = answers.map((answer) => answer.status);
  expect(statuses.filter((status) => status === 401)).toHaveLength(LIMIT);
  expect(statuses.filter((status) => status === 429)).toHaveLength(BURST - LIMIT);
}

describe.each(testDatabases)('the per-address sign-in limit under a simultaneous burst on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ database, now: () => clock, env });
  });
  afterAll(() => server.close());
  it(`lets exactly ${LIMIT} of ${BURST} through`, () => burst([server]));
});

describe.runIf(testDatabases.includes('postgres'))('the per-address sign-in limit on two instances', () => {
  let servers: TestServer[] = [];
  twoInstances({ env, now: () => clock }, ({ a, b }) => {
    servers = [a, b];
  });
  it(`lets exactly ${LIMIT} of ${BURST} through, spread over both`, () => burst(servers));
});
