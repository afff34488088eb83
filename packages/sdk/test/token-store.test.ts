import { afterEach, describe, expect, it } from 'vitest';
import {
  GatehouseSDK,
  LocalStorageTokenStore,
  MemoryTokenStore,
  SessionStorageTokenStore,
  type TokenSet,
} from '../src/index.js';

const tokens: TokenSet = { accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: 1_900_000_000_000 };

/** A Map-backed Web Storage, installed on globalThis as a browser would provide it. */
class FakeStorage implements Storage {
  readonly #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value);
  }
}

const globals = globalThis as { localStorage?: Storage; sessionStorage?: Storage };
afterEach(() => {
  delete globals.localStorage;
  delete globals.sessionStorage;
});

describe('MemoryTokenStore', () => {
  it('starts empty, returns what was set, and forgets on null', async () => {
    const store = new MemoryTokenStore();
    expect(await store.get()).toBeNull();
    await store.set(tokens);
    expect(await store.get()).toEqual(tokens);
    await store.set(null);
    expect(await store.get()).toBeNull();
  });

  it('keeps a copy, so mutating the caller’s object does not change the stored tokens', async () => {
    const store = new MemoryTokenStore();
    const mine = { ...tokens };
    await store.set(mine);
    mine.accessToken = 'tampered';
    expect((await store.get())?.accessToken).toBe('access-1');
  });
});

describe.each([
  ['LocalStorageTokenStore', LocalStorageTokenStore, 'localStorage'],
  ['SessionStorageTokenStore', SessionStorageTokenStore, 'sessionStorage'],
] as const)('%s', (_name, Store, storageName) => {
  it('persists the token set as JSON under the given key and removes it on null', async () => {
    const storage = new FakeStorage();
    globals[storageName] = storage;
    const store = new Store('my-app.tokens');
    await store.set(tokens);
    expect(JSON.parse(storage.getItem('my-app.tokens') ?? 'null')).toEqual(tokens);
    expect(await new Store('my-app.tokens').get()).toEqual(tokens);
    await store.set(null);
    expect(storage.getItem('my-app.tokens')).toBeNull();
  });

  it('treats a malformed value under its key as signed out instead of failing', async () => {
    const storage = new FakeStorage();
    globals[storageName] = storage;
    storage.setItem('k', '{not json');
    expect(await new Store('k').get()).toBeNull();
    storage.setItem('k', JSON.stringify({ accessToken: 'a' }));
    expect(await new Store('k').get()).toBeNull();
  });

  it('can be constructed outside a browser but rejects when used there', async () => {
    const store = new Store();
    await expect(store.get()).rejects.toThrow(/needs a browser/);
  });
});

describe('GatehouseSDK token access (sdk.auth)', () => {
  it('seeds the configured store with accessToken/refreshToken given to the constructor', async () => {
    const store = new MemoryTokenStore();
    const sdk = new GatehouseSDK({
      appUrl: 'http://127.0.0.1:9',
      tokenStore: store,
      accessToken: 'a',
      refreshToken: 'r',
    });
    expect(await sdk.auth.getTokenSet()).toMatchObject({ accessToken: 'a', refreshToken: 'r' });
    expect(await store.get()).toMatchObject({ accessToken: 'a', refreshToken: 'r' });
  });

  it('reads the expiry of a JWT access token from its exp claim', async () => {
    const exp = 2_000_000_000;
    const jwt = ['e30', Buffer.from(JSON.stringify({ exp })).toString('base64url'), 'sig'].join('.');
    const sdk = new GatehouseSDK({ appUrl: 'http://127.0.0.1:9', accessToken: jwt, refreshToken: 'r' });
    expect((await sdk.auth.getTokenSet())?.expiresAt).toBe(exp * 1000);
  });

  it('reads an expiresAt that can only be seconds (seed 003) as seconds, and keeps milliseconds as they are', async () => {
    const sdk = new GatehouseSDK({ appUrl: 'http://127.0.0.1:9' });
    await sdk.auth.setTokenSet({ accessToken: 'a', refreshToken: 'r', expiresAt: 1_900_000_000 });
    expect((await sdk.auth.getTokenSet())?.expiresAt).toBe(1_900_000_000_000);
    await sdk.auth.setTokenSet({ accessToken: 'a', refreshToken: 'r', expiresAt: 1_900_000_000_123 });
    expect((await sdk.auth.getTokenSet())?.expiresAt).toBe(1_900_000_000_123);
    const legacyStore = {
      get: async () => ({ accessToken: 'a', expiresAt: 1_900_000_000 }),
      set: async () => {},
    };
    const fromStore = new GatehouseSDK({ appUrl: 'http://127.0.0.1:9', tokenStore: legacyStore });
    expect((await fromStore.auth.getTokenSet())?.expiresAt).toBe(1_900_000_000_000);
    await expect(sdk.auth.setTokenSet({ accessToken: 'a' } as TokenSet)).rejects.toThrow(TypeError);
  });

  it('sets and clears the token set', async () => {
    const sdk = new GatehouseSDK({ appUrl: 'http://127.0.0.1:9' });
    await sdk.auth.setTokenSet(tokens);
    expect(await sdk.auth.getTokenSet()).toEqual(tokens);
    await sdk.auth.clearTokenSet();
    expect(await sdk.auth.getTokenSet()).toBeNull();
  });
});
