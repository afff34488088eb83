import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/load.js';
import { request, signInWithCookie } from './support/http.js';
import {
  CHEAP_HASHES,
  MANY_SIGN_INS,
  startTestServer,
  type TestServer,
  testDatabases,
} from './support/server.js';
import { refresh, signInWithTokens } from './support/token-session.js';

const TOKEN = randomBytes(32).toString('base64url');

/** The value of one sample of the exposition (`name{labels} value`), or undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const rest = line.slice(name.length);
    if (Object.entries(labels).every(([key, value]) => rest.includes(`${key}="${value}"`)))
      return Number(line.split(' ').at(-1));
  }
  return undefined;
}

const lockouts = (text: string, subject: string) =>
  sample(text, 'gatehouse_lockouts_total', { subject }) ?? 0;

async function scrape(server: TestServer): Promise<string> {
  const response = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return response.text();
}

describe('metrics off by default', () => {
  it('answers 404 for /metrics when GATEHOUSE_METRICS_TOKEN is unset', async () => {
    const server = await startTestServer();
    try {
      const response = await request(server.url, '/metrics');
      expect(response.status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('refuses a metrics token too short to be a secret, without echoing it', () => {
    expect(() => loadConfig({ GATEHOUSE_METRICS_TOKEN: 'short-token' })).toThrow(
      /GATEHOUSE_METRICS_TOKEN: must be at least 32/,
    );
    expect(() => loadConfig({ GATEHOUSE_METRICS_TOKEN: 'short-token' })).not.toThrow(/short-token/);
  });
});

describe.each(testDatabases)('/metrics on %s', (database) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      database,
      env: {
        ...CHEAP_HASHES,
        ...MANY_SIGN_INS,
        GATEHOUSE_METRICS_TOKEN: TOKEN,
        GATEHOUSE_LOCKOUT_THRESHOLD: '2',
        // No retry window: presenting a rotated refresh token again is reuse at once.
        GATEHOUSE_REFRESH_TOKEN_RETRY_WINDOW: '0',
      },
    });
  });
  afterAll(() => server.close());

  it('refuses a scrape without the token, or with another one', async () => {
    const none = await request(server.url, '/metrics');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(none.body).toMatchObject({ code: 'UNAUTHORIZED' });
    const wrong = await request(server.url, '/metrics', {
      headers: { authorization: `Bearer ${TOKEN.slice(1)}x` },
    });
    expect(wrong.status).toBe(401);
    expect(JSON.stringify(wrong.body)).not.toContain(TOKEN.slice(1));
  });

  it('counts requests by route pattern and status, with their durations', async () => {
    const user = await server.createUser();
    const cookie = await signInWithCookie(server.url, user.email, user.password);
    for (let i = 0; i < 3; i += 1) await request(server.url, '/api/me', { cookie });
    await request(server.url, '/api/me');
    await request(server.url, `/no/such/path/${randomBytes(4).toString('hex')}`);
    const text = await scrape(server);
    const me = { method: 'GET', route: '/api/me' };
    expect(sample(text, 'gatehouse_http_request_duration_seconds_count', { ...me, status: '200' })).toBe(3);
    expect(sample(text, 'gatehouse_http_request_duration_seconds_count', { ...me, status: '401' })).toBe(1);
    expect(
      sample(text, 'gatehouse_http_request_duration_seconds_bucket', { ...me, status: '200', le: '+Inf' }),
    ).toBe(3);
    expect(
      sample(text, 'gatehouse_http_request_duration_seconds_sum', { ...me, status: '200' }),
    ).toBeGreaterThan(0);
    // Unmatched paths share one label: a scanner cannot blow up the number of series.
    expect(text).not.toContain('/no/such/path');
    expect(
      sample(text, 'gatehouse_http_request_duration_seconds_count', { route: 'unmatched', status: '404' }),
    ).toBeGreaterThanOrEqual(1);
  });

  it('counts sign-ins by method and outcome, and lockouts', async () => {
    const before = await scrape(server);
    const count = (text: string, outcome: string) =>
      sample(text, 'gatehouse_signins_total', { method: 'password', outcome }) ?? 0;
    const user = await server.createUser();
    await signInWithCookie(server.url, user.email, user.password);
    for (let i = 0; i < 3; i += 1)
      await request(server.url, '/api/signin', {
        body: { username: user.email, password: 'wrong-password' },
      });
    const after = await scrape(server);
    expect(count(after, 'success') - count(before, 'success')).toBe(1);
    // Threshold 2: two wrong guesses are checked, the third is refused unchecked (locked).
    expect(count(after, 'failure') - count(before, 'failure')).toBe(2);
    expect(count(after, 'locked') - count(before, 'locked')).toBe(1);
    // The second wrong guess locked the account: one lockout started.
    expect(lockouts(after, 'account') - lockouts(before, 'account')).toBe(1);
  });

  it('counts a lockout once when it starts, however many guesses race for it, and for unknown logins too', async () => {
    const before = await scrape(server);
    const user = await server.createUser();
    const guesses = await Promise.all(
      Array.from({ length: 12 }, () =>
        request(server.url, '/api/signin', { body: { username: user.email, password: 'wrong-password' } }),
      ),
    );
    // Threshold 2: two guesses are checked (401), the rest refused unchecked (429).
    expect(guesses.map((g) => g.status).sort()).toEqual([...Array(2).fill(401), ...Array(10).fill(429)]);
    const unknown = `nobody-${randomBytes(4).toString('hex')}@example.test`;
    for (let i = 0; i < 2; i += 1)
      await request(server.url, '/api/signin', { body: { username: unknown, password: 'wrong-password' } });
    const after = await scrape(server);
    expect(lockouts(after, 'account') - lockouts(before, 'account')).toBe(1);
    expect(lockouts(after, 'unknown') - lockouts(before, 'unknown')).toBe(1);
    expect(after).toContain('# TYPE gatehouse_lockouts_total counter');
  });

  it('counts refresh-token reuse, cache lookups and invalidations', async () => {
    const user = await server.createUser();
    const pair = await signInWithTokens(server.url, user.email, user.password);
    const rotated = await refresh(server.url, pair.refreshToken);
    expect(rotated.status).toBe(200);
    const before = await scrape(server);
    expect((await refresh(server.url, pair.refreshToken)).status).toBe(401);
    const after = await scrape(server);
    const reuse = (text: string) => sample(text, 'gatehouse_refresh_token_reuse_total') ?? 0;
    expect(reuse(after) - reuse(before)).toBe(1);
    expect(
      sample(after, 'gatehouse_cache_lookups_total', { cache: 'principals', result: 'hit' }),
    ).toBeGreaterThan(0);
    expect(
      sample(after, 'gatehouse_cache_lookups_total', { cache: 'sessions', result: 'miss' }),
    ).toBeGreaterThan(0);
    expect(sample(after, 'gatehouse_cache_invalidations_total', { scope: 'one' })).toBeGreaterThan(0);
  });

  it('reports the listener, the hash queue, the process and (PostgreSQL) the pool', async () => {
    const text = await scrape(server);
    expect(sample(text, 'gatehouse_invalidation_listener_up')).toBe(1);
    expect(sample(text, 'gatehouse_password_hashes', { state: 'queued' })).toBe(0);
    expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    if (database === 'postgres') {
      expect(sample(text, 'gatehouse_db_pool_connections', { state: 'total' })).toBeGreaterThan(0);
      expect(sample(text, 'gatehouse_db_pool_connections', { state: 'waiting' })).toBe(0);
      expect(sample(text, 'gatehouse_db_up')).toBe(1);
      expect(sample(text, 'gatehouse_db_failures_total')).toBe(0);
    } else {
      expect(text).not.toContain('gatehouse_db_pool_connections');
    }
  });

  it('counts sweep runs and the rows they deleted', async () => {
    const runs = (text: string) => sample(text, 'gatehouse_sweep_runs_total', { outcome: 'swept' }) ?? 0;
    const before = await scrape(server);
    await server.app.gatehouse.sweeper.run();
    await server.app.gatehouse.sweeper.run();
    const after = await scrape(server);
    expect(runs(after) - runs(before)).toBe(2);
    expect(after).toContain('# TYPE gatehouse_sweep_deleted_rows_total counter');
  });
});
