import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http.js';
import { accountLink, type Mailbox, startMailbox } from './support/mailbox.js';
import { startTestServer, type TestServer } from './support/server.js';

/**
 * The e-mailed links (`/account/…?token=`) with the web console built: a browser's navigation is sent on
 * to the console's page for the link, anything else gets the plain form, and an unusable link is answered
 * on the spot without a detour.
 */
describe('account links open the console in a browser', () => {
  let server: TestServer;
  let mailbox: Mailbox;
  beforeAll(async () => {
    mailbox = await startMailbox();
    server = await startTestServer({ env: { GATEHOUSE_SMTP_URL: mailbox.url } });
  });
  afterAll(async () => {
    await server.close();
    await mailbox.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { redirect: 'manual', headers });

  it('sends a browser navigation with a usable link to the console page, token and all', async () => {
    const user = await server.createUser();
    await request(server.url, '/api/password/forgot', { body: { email: user.email } });
    const link = accountLink(await mailbox.waitFor(user.email, /Reset your password/));

    const browser = await get(link.path, { 'sec-fetch-dest': 'document' });
    expect(browser.status).toBe(303);
    expect(browser.headers.get('location')).toBe(`/console/reset-password?token=${link.token}`);
    expect(browser.headers.get('cache-control')).toBe('no-store');
    expect(browser.headers.get('referrer-policy')).toBe('no-referrer');

    // curl, a mail scanner, an image or frame request: the plain form, which works without script.
    for (const headers of [{}, { 'sec-fetch-dest': 'iframe' }] as Record<string, string>[]) {
      const plain = await get(link.path, headers);
      expect(plain.status).toBe(200);
      expect(await plain.text()).toContain('name="newPassword"');
    }
  });

  it('answers an unusable link on the spot, and the verification link goes to its console page', async () => {
    const dead = await get('/account/reset-password?token=never-issued', { 'sec-fetch-dest': 'document' });
    expect(dead.status).toBe(400);
    expect(await dead.text()).toContain('invalid');

    const verify = await get('/account/verify-email?token=abc', { 'sec-fetch-dest': 'document' });
    expect(verify.status).toBe(303);
    expect(verify.headers.get('location')).toBe('/console/verify-email?token=abc');
  });
});
