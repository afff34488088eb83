import { afterEach, describe, expect, it } from 'vitest';
import { GatehouseError, GatehouseSDK } from '../src/index.js';

/** Just enough of a browser page for completeSocialLogin: the address, history and sessionStorage. */
function fakePage(href: string, storedState: string | null) {
  const stored = new Map<string, string>(
    storedState === null ? [] : [['gatehouse_social_state', storedState]],
  );
  const url = new URL(href);
  const page = {
    document: {},
    location: {
      get href() {
        return url.href;
      },
      get search() {
        return url.search;
      },
      get pathname() {
        return url.pathname;
      },
      get hash() {
        return url.hash;
      },
    },
    history: {
      replaceState: (_data: unknown, _unused: string, next: string) => {
        const moved = new URL(next, url);
        url.search = moved.search;
        url.hash = moved.hash;
      },
    },
    sessionStorage: {
      getItem: (k: string) => stored.get(k) ?? null,
      setItem: (k: string, v: string) => void stored.set(k, v),
      removeItem: (k: string) => void stored.delete(k),
    },
  };
  Object.assign(globalThis, page);
  return { url, stored };
}

afterEach(() => {
  for (const key of ['document', 'location', 'history', 'sessionStorage'])
    delete (globalThis as Record<string, unknown>)[key];
});

/** Calls completeSocialLogin against a fetch that records the exchange and answers like Gatehouse. */
async function complete(href: string, storedState: string | null) {
  const page = fakePage(href, storedState);
  const exchanged: string[] = [];
  const sdk = new GatehouseSDK({
    appUrl: 'https://auth.example.com',
    fetch: async (input) => {
      exchanged.push(String(input));
      return new Response(
        JSON.stringify({
          payload: { user: { _id: 'u1', email: 'a@example.test', roles: [] }, workspace: null },
        }),
        {
          status: 200,
          headers: { 'content-type': 'application/json' },
        },
      );
    },
  });
  const outcome = await sdk.authentication.completeSocialLogin().catch((error: unknown) => error);
  return { outcome, exchanged, page };
}

describe('completeSocialLogin', () => {
  it('checks state, swaps rt, strips rt and state from the address and forgets the stored state', async () => {
    const { outcome, exchanged, page } = await complete(
      'https://app.example.com/finish?rt=abc&state=s1#top',
      's1',
    );
    expect(outcome).toMatchObject({ payload: { user: { email: 'a@example.test' } } });
    expect(exchanged).toEqual(['https://auth.example.com/api/auth/callback?rt=abc']);
    expect(page.url.href).toBe('https://app.example.com/finish#top');
    expect(page.stored.size).toBe(0);
  });

  it.each([
    [
      'a state this tab did not store',
      'https://app.example.com/finish?rt=abc&state=other',
      's1',
      'SOCIAL_STATE_MISMATCH',
    ],
    [
      'no stored state at all',
      'https://app.example.com/finish?rt=abc&state=s1',
      null,
      'SOCIAL_STATE_MISMATCH',
    ],
    ['no rt', 'https://app.example.com/finish?state=s1', 's1', 'SOCIAL_CODE_MISSING'],
    [
      'an error from the server',
      'https://app.example.com/finish?error=access_denied&state=s1',
      's1',
      'access_denied',
    ],
  ])('rejects %s without exchanging anything, and still cleans the address', async (_what, href, stored, code) => {
    const { outcome, exchanged, page } = await complete(href, stored);
    expect(outcome).toBeInstanceOf(GatehouseError);
    expect(outcome).toMatchObject({ code });
    expect(exchanged).toEqual([]);
    expect(page.url.search).toBe('');
  });

  it('rejects outside a browser', async () => {
    const sdk = new GatehouseSDK({ appUrl: 'https://auth.example.com' });
    await expect(sdk.authentication.completeSocialLogin()).rejects.toMatchObject({
      code: 'UNSUPPORTED_ENVIRONMENT',
    });
  });
});
