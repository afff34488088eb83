import { availableParallelism, totalmem } from 'node:os';

/** The share of the memory available to the process that password hashes in flight may hold together. */
export const HASH_MEMORY_SHARE = 1 / 8;

export interface MachineSize {
  /** Cores the process may use (`os.availableParallelism()`). */
  cores: number;
  /** Bytes the process may use: its cgroup limit when it has one below the machine's memory, else the machine's. */
  memoryBytes: number;
  /**
   * Threads in libuv's pool (UV_THREADPOOL_SIZE, 4 by default). Password hashes run there, and so do the
   * OAuth token endpoint's signatures (features/signing-keys/jws.ts), file reads and DNS look-ups.
   */
  threadPool: number;
}

/** libuv's pool size as libuv reads it at its first use: UV_THREADPOOL_SIZE when a positive integer (at most 1024), else 4. */
export function threadPoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const size = Number(env['UV_THREADPOOL_SIZE']);
  return Number.isInteger(size) && size >= 1 ? Math.min(size, 1024) : 4;
}

/** This process's cores and memory; a container's memory limit counts, not the host's memory. */
export function machineSize(): MachineSize {
  const machine = totalmem();
  // Node 20 answers undefined without a limit, later versions 0; an unlimited cgroup may answer a huge number.
  const limit = process.constrainedMemory?.() ?? 0;
  return {
    cores: availableParallelism(),
    memoryBytes: limit > 0 && limit < machine ? limit : machine,
    threadPool: threadPoolSize(),
  };
}

/**
 * GATEHOUSE_HASH_CONCURRENCY's default: one hash per core (each keeps a core busy for its whole run), but no
 * more than fit in an eighth of the memory (each holds `memoryKib` for its whole run: 19 MiB at the default
 * cost), and at least one. A 2-core machine with 1 GiB or more runs 2 at once; a 256 MiB container runs 1
 * whatever its cores (32 MiB holds one 19 MiB hash); docs/configuration.md. And one fewer than libuv's pool
 * has threads: hashes that filled the pool would make every other task queued there (a token endpoint's
 * signature, a file read) wait up to a whole hash, ~10 ms; past the pool's size more hashes would only queue
 * inside it anyway.
 */
export function defaultHashConcurrency(memoryKib: number, size: MachineSize = machineSize()): number {
  const fit = Math.floor((size.memoryBytes * HASH_MEMORY_SHARE) / (memoryKib * 1024));
  return Math.max(1, Math.min(size.cores, fit, size.threadPool - 1));
}
