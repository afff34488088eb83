import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GatehouseSDK } from '../src/index.js';
import { startTestServer, type TestServer, testDatabases, uniqueEmail } from './support/gatehouse-server.js';
import { recordingFetch } from './support/recording-fetch.js';

const PASSWORD = 'correct horse battery staple';

/** A server whose access tokens live 20 s: less than the SDK's default 30 s refresh skew. */
describe.each(testDatabases)('proactive refresh with short-lived access tokens on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: { GATEHOUSE_ACCESS_TOKEN_TTL: '20', GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000' },
    });
  });
  afterAll(() => server.close());
  afterEach(() => vi.useRealTimers());

  it('does not refresh on every request when the lifetime is below refreshSkewSeconds, only past half of it', async () => {
    const email = uniqueEmail();
    await new GatehouseSDK({ appUrl: server.url }).authentication.signup({ email, password: PASSWORD });
    const recorder = recordingFetch();
    const sdk = new GatehouseSDK({ appUrl: server.url, fetch: recorder.fetch });
    await sdk.authentication.oAuthSignin({ username: email, password: PASSWORD });

    for (let i = 0; i < 3; i += 1) await sdk.authentication.getLoggedInUser();
    expect(recorder.callsTo('/api/token/refresh')).toHaveLength(0);

    // Past half the lifetime (10 s of 20 s) on the SDK's clock: the next request refreshes first, once.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 11_000 });
    await sdk.authentication.getLoggedInUser();
    await sdk.authentication.getLoggedInUser();
    expect(recorder.callsTo('/api/token/refresh')).toHaveLength(1);
  });
});
