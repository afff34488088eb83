import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  machineClient,
  signInForToken,
  signInWithCookie,
  startGatehouse,
  type TestServer,
  type TestUser,
} from './support/gatehouse.js';

/*
 * Issue 14: every example in examples/ is started as its README says (node examples/…, configured by
 * environment variables) against a running Gatehouse, and used as a person or a client would use it.
 * The examples import the built packages (@gatehouse/sdk, @gatehouse/backend), as an app would.
 */

const ROOT = join(import.meta.dirname, '../../..');
const launcherModule = new URL('../../../test/support/browser.ts', import.meta.url).href;
const { launchChromium } = (await import(/* @vite-ignore */ launcherModule)) as {
  launchChromium(): Promise<Browser>;
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const children: ChildProcess[] = [];

/** Starts `node examples/<file>` and waits (at most 30 s) until it prints its ready line. */
async function startExample(file: string, env: Record<string, string>, ready: RegExp): Promise<void> {
  const child = spawn(process.execPath, [join(ROOT, 'examples', file)], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${file} did not start: ${output}`)), 30_000);
    const listen = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', listen);
    child.stderr?.on('data', listen);
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code}: ${output}`)));
  });
}

let gatehouse: TestServer;
let admin: TestUser;
let adminCookie: string;
let appPort: number;
beforeAll(async () => {
  appPort = await freePort();
  gatehouse = await startGatehouse({ GATEHOUSE_ALLOWED_ORIGINS: `http://127.0.0.1:${appPort}` });
  admin = await gatehouse.createUser({ admin: true });
  adminCookie = await signInWithCookie(gatehouse, admin);
});
afterAll(async () => {
  for (const child of children) child.kill();
  await gatehouse?.close();
});

describe('examples/', () => {
  it('express-api: bearer tokens with scopes, and an admin-only route', async () => {
    const port = await freePort();
    const resource = `http://127.0.0.1:${port}`;
    await startExample(
      'express-api/server.mjs',
      { PORT: String(port), GATEHOUSE_URL: gatehouse.url, API_RESOURCE: resource },
      /notes API on/,
    );
    const tokenFor = await machineClient(gatehouse, adminCookie, {
      scope: 'notes:read notes:write',
      resource,
    });
    const reader = { authorization: `Bearer ${await tokenFor('notes:read')}` };
    const writer = { authorization: `Bearer ${await tokenFor('notes:write')}` };
    const list = await fetch(`${resource}/notes`, { headers: reader });
    expect(list.status).toBe(200);
    expect((await list.json()).notes).toHaveLength(1);
    expect((await fetch(`${resource}/notes`, { method: 'POST', headers: reader })).status).toBe(403);
    const created = await fetch(`${resource}/notes`, {
      method: 'POST',
      headers: { ...writer, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'second' }),
    });
    expect(created.status).toBe(201);
    expect((await fetch(`${resource}/notes`)).status).toBe(401);
    const adminToken = await signInForToken(gatehouse, admin);
    const stats = await fetch(`${resource}/admin/stats`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(await stats.json()).toEqual({ notes: 2 });
  });

  it('fastify-backend: the cookie session Gatehouse set, and a role', async () => {
    const port = await freePort();
    await startExample(
      'fastify-backend/server.mjs',
      { PORT: String(port), HOST: '127.0.0.1', GATEHOUSE_URL: gatehouse.url },
      /fastify backend on/,
    );
    const url = `http://127.0.0.1:${port}`;
    const profile = await fetch(`${url}/profile`, { headers: { cookie: adminCookie } });
    expect(await profile.json()).toMatchObject({ id: admin.id, email: admin.email });
    const user = await gatehouse.createUser();
    const userCookie = await signInWithCookie(gatehouse, user);
    expect((await fetch(`${url}/admin`, { headers: { cookie: userCookie } })).status).toBe(403);
    expect((await fetch(`${url}/admin`, { headers: { cookie: adminCookie } })).status).toBe(200);
    expect((await fetch(`${url}/profile`)).status).toBe(401);
  });

  it('api-token-script: a script acting with an API token', async () => {
    const created = await fetch(`${gatehouse.url}/api/me/api-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: adminCookie, origin: gatehouse.url },
      body: JSON.stringify({ nickname: 'report script', expiresAt: '30d' }),
    });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'examples/api-token-script/report.mjs')],
      {
        cwd: ROOT,
        env: { PATH: process.env['PATH'] ?? '', GATEHOUSE_URL: gatehouse.url, GATEHOUSE_API_TOKEN: token },
      },
    );
    expect(stdout).toContain(`signed in as ${admin.email}`);
  });

  it('browser-app: signs in with a cookie session from its own origin, in Chromium', async () => {
    await startExample(
      'browser-app/serve.mjs',
      { PORT: String(appPort), GATEHOUSE_URL: gatehouse.url },
      /browser app on/,
    );
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${appPort}/`);
      await page.getByLabel('E-mail').fill(admin.email);
      await page.getByLabel('Password').fill(admin.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText(`Signed in as ${admin.email}`).waitFor({ timeout: 10_000 });
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByText('Signed out').waitFor({ timeout: 10_000 });
    } finally {
      await browser.close();
    }
  });
});
