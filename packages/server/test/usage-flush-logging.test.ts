import { describe, expect, it } from 'vitest';
import type { ApiTokenStore } from '../src/features/api-tokens/store.js';
import { UsageRecorder } from '../src/features/api-tokens/usage.js';

/** Issue 9, item 11: a failing usage flush is logged once (not swallowed, not once per retry), and its end too. */
describe('API-token usage flushes', () => {
  it('logs a failing flush once per failing stretch, keeps the counts, and says when writes work again', async () => {
    let down = true;
    const written: Array<[string, number]> = [];
    const store = {
      recordUsage: async (id: string, uses: number) => {
        if (down) throw new Error('Connection terminated unexpectedly');
        written.push([id, uses]);
      },
    } as unknown as ApiTokenStore;
    const lines: Array<[string, string]> = [];
    const log = {
      warn: (_fields: unknown, message: string) => void lines.push(['warn', message]),
      info: (message: string) => void lines.push(['info', message]),
    };
    const recorder = new UsageRecorder(store, log as never);
    recorder.record('token-a', 1);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      recorder.record('token-a', 2 + attempt);
      await expect(recorder.flush()).rejects.toThrow('Connection terminated');
    }
    expect(lines).toEqual([
      ['warn', 'API-token usage counts could not be written; kept in memory and retried'],
    ]);

    down = false;
    await recorder.close();
    expect(written).toEqual([['token-a', 4]]);
    expect(lines.at(-1)).toEqual(['info', 'API-token usage counts are written again']);
  });
});
