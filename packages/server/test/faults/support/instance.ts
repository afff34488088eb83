import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';

const MAIN = join(import.meta.dirname, '../../../src/main.ts');

export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Settings every fault test shares: fast hashes and no per-IP sign-in limit (all load comes from 127.0.0.1). */
export function baseEnv(databaseUrl: string): Record<string, string> {
  return {
    GATEHOUSE_DATABASE_URL: databaseUrl,
    GATEHOUSE_MASTER_KEY: randomBytes(32).toString('base64url'),
    GATEHOUSE_ADMIN_EMAIL: 'root@example.test',
    GATEHOUSE_ADMIN_PASSWORD: 'bootstrap-password',
    GATEHOUSE_SIGNUP: 'open',
    GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '100000',
    GATEHOUSE_ARGON2_MEMORY_KIB: '1024',
    GATEHOUSE_ARGON2_TIME_COST: '1',
    GATEHOUSE_LOG_LEVEL: 'info',
  };
}

/** The database URL with an application_name, so a test terminates its own backends and nobody else's. */
export function tagged(url: string, applicationName: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('application_name', applicationName);
  return parsed.toString();
}

/** A real `gatehouse start` process, its log lines, and how it ended. */
export class Instance {
  readonly lines: string[] = [];
  readonly url: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #child: ChildProcess;

  private constructor(
    readonly port: number,
    env: Record<string, string>,
    stallStdout = false,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.#child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'start'], {
      env: {
        PATH: process.env['PATH'] ?? '',
        GATEHOUSE_HOST: '127.0.0.1',
        ...env,
        GATEHOUSE_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    const collect = (chunk: Buffer) => {
      partial += chunk.toString();
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      this.lines.push(...complete);
    };
    // A stalled reader: nobody reads standard output, so the pipe fills up (issue 17, item 7).
    if (!stallStdout) this.#child.stdout!.on('data', collect);
    this.#child.stderr!.on('data', collect);
    // 'close' (every line it wrote has been read) unless nobody reads its output, which never closes then.
    this.exited = new Promise((resolve) =>
      this.#child.once(stallStdout ? 'exit' : 'close', (code, signal) => resolve({ code, signal })),
    );
  }

  /** Starts an instance; resolves once it listens (or rejects with its output if it exits first). */
  static async start(env: Record<string, string>, port?: number): Promise<Instance> {
    const instance = new Instance(port ?? (await freePort()), env);
    await instance.listening(60_000);
    return instance;
  }

  /** Spawns without waiting (start-up races, a database that is not up yet). */
  static async spawn(
    env: Record<string, string>,
    options: { stallStdout?: boolean } = {},
  ): Promise<Instance> {
    return new Instance(await freePort(), env, options.stallStdout);
  }

  async listening(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.lines.some((line) => line.includes('Gatehouse listening'))) {
      const ended = await Promise.race([this.exited, sleep(50).then(() => undefined)]);
      if (ended) throw new Error(`gatehouse exited (${JSON.stringify(ended)}):\n${this.lines.join('\n')}`);
      if (Date.now() > deadline)
        throw new Error(`gatehouse did not listen in time:\n${this.lines.join('\n')}`);
    }
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  signal(name: NodeJS.Signals): void {
    if (this.alive) this.#child.kill(name);
  }

  /** Parsed JSON log lines (pino), for what the server said about a fault. */
  logs(): Array<Record<string, unknown>> {
    return this.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  /** Always ends the process (afterEach): kill -9, then wait for it. */
  async kill(): Promise<void> {
    this.signal('SIGKILL');
    await this.exited;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 100 ms until it is true, failing after `timeoutMs` (the bound the test documents). */
export async function eventually(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  while (!(await check().catch(() => false))) {
    if (Date.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(100);
  }
  return Date.now() - started;
}
