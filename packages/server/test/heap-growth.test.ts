import { cachedDataVersionTag, setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { startTestServer } from './support/server.js';

/*
 * A server asks V8 to size its heap for memory (lifecycle/heap-growth.ts, docs/performance.md "Sixth round,
 * memory"). V8's cached-data version tag is a hash of its flags: it moves when a flag changes, and stays when
 * a flag is set to the value it already has. Each test file runs in a process of its own.
 */
describe('the server’s heap', () => {
  it('is sized for memory over speed once a server is built', async () => {
    const before = cachedDataVersionTag();
    const server = await startTestServer();
    try {
      const after = cachedDataVersionTag();
      expect(after).not.toBe(before);
      // The one flag the server set: setting it again changes nothing.
      setFlagsFromString('--optimize-for-size');
      expect(cachedDataVersionTag()).toBe(after);
      // And the server answers as before.
      expect((await fetch(`${server.url}/health/live`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
