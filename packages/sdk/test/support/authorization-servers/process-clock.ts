import { type MockInstance, vi } from 'vitest';

let offsetMs = 0;
let users = 0;
let spy: MockInstance<() => number> | undefined;

/**
 * Moves `Date.now()` for the whole test process: an in-process authorization server and the SDK under test
 * then share one clock, so "the access token has expired" is true for both, and the tokens the server
 * issues afterwards are not dated in the SDK's future. Every fixture of a file shares the one offset;
 * the real clock is back once the last one calls `restore`.
 */
export function processClock(): { advance(seconds: number): void; restore(): void } {
  if (users === 0) {
    const realNow = Date.now.bind(Date);
    spy = vi.spyOn(Date, 'now').mockImplementation(() => realNow() + offsetMs);
  }
  users += 1;
  let restored = false;
  return {
    advance(seconds) {
      offsetMs += seconds * 1000;
    },
    restore() {
      if (restored) return;
      restored = true;
      users -= 1;
      if (users > 0) return;
      spy?.mockRestore();
      offsetMs = 0;
    },
  };
}
