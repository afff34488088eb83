/**
 * SQLite: commits made to the file by another process — `gatehouse users disable|delete|set-password`,
 * `gatehouse keys rotate`, `gatehouse clients rotate-secret` — which no invalidation bus reaches. One signal
 * for the whole server: `check()` asks SQLite whether another connection has committed since the last look
 * (`PRAGMA data_version`: a counter in shared memory, no read of the database, and it never moves for this
 * connection's own writes) and, when it has, tells every subscriber at once, synchronously. The app's request
 * hook calls it once at the start of every request (http/request-defaults.ts), so a change made from the
 * shell is seen by the request that follows it; the invalidation bus subscribes and drops every cache that
 * follows it (storage/invalidation.ts). PostgreSQL has no such signal: such changes arrive by LISTEN/NOTIFY.
 */
export interface ExternalChanges {
  /** Looks once; when another connection committed since the last look, every subscriber is called. */
  check(): void;
  subscribe(listener: () => void): void;
}

export function externalChangeSignal(dataVersion: () => number): ExternalChanges {
  let seen = dataVersion();
  const listeners: Array<() => void> = [];
  return {
    check() {
      const version = dataVersion();
      if (version === seen) return;
      seen = version;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.push(listener);
    },
  };
}
