/**
 * SQLite: commits made to the file by another process — `gatehouse users disable|delete|set-password`,
 * `gatehouse keys rotate`, `gatehouse clients rotate-secret` — which no invalidation bus reaches. One signal
 * for the whole server: `check()` asks SQLite whether another connection has committed since the last look
 * (`PRAGMA data_version`: a counter in shared memory, no read of the database, and it never moves for this
 * connection's own writes) and, when it has, tells every subscriber at once, synchronously. The app's request
 * hook calls it at the start of every request (http/request-defaults.ts), so a change made from the shell is
 * seen by the request that follows it; the invalidation bus subscribes and drops every cache that follows it
 * (storage/invalidation.ts). PostgreSQL has no such signal: such changes arrive by LISTEN/NOTIFY.
 *
 * It looks once per turn of the event loop, not once per request. The look is not free: it opens and closes
 * a read transaction, two `fcntl` locks on the -shm file, ~6 µs under load (an eighth of a cached credential
 * check), and under load one turn reads several requests (~8 in the bench). The first request of a turn looks
 * after its own bytes were read, so it sees every command that had finished before it was sent. A request
 * read later in the same turn shares that look: it misses a command only if its bytes arrived in the
 * microseconds between the look and its own read, and then the next turn's requests (well under a millisecond
 * later) see it. A request sent to an idle server is always the first of its turn.
 */
export interface ExternalChanges {
  /** Looks (once per event-loop turn); when another connection committed since the last look, every subscriber is called. */
  check(): void;
  subscribe(listener: () => void): void;
}

export function externalChangeSignal(dataVersion: () => number): ExternalChanges {
  let seen = dataVersion();
  let lookedThisTurn = false;
  const nextTurn = (): void => {
    lookedThisTurn = false;
  };
  const listeners: Array<() => void> = [];
  return {
    check() {
      if (lookedThisTurn) return;
      lookedThisTurn = true;
      // The check phase follows the poll phase in which this turn's requests were read.
      setImmediate(nextTurn);
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
