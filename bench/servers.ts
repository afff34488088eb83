import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadyMessage } from './seed.js';

/** A system under test, running in a process of its own. */
export interface ServerProcess {
  name: string;
  pid: number;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Credentials the server minted in-process while seeding. */
  credentials: Record<string, string>;
  /** True once the process has gone (a crash mid-run fails the runs that need it). */
  exited(): boolean;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeFlags?: string[];
  /** stdout and stderr go here, so server logs never interleave with the report. */
  logDir: string;
  timeoutMs?: number;
}

/** The environment without GATEHOUSE_* from the caller's shell: each run is configured only by the bench. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GATEHOUSE_')) env[key] = value;
  return { ...env, NODE_ENV: 'production', ...extra };
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/** What a Gatehouse server under test is seeded with (bench/servers/gatehouse.mjs). */
export interface GatehouseSeed {
  database: 'sqlite' | 'postgres';
  users: number;
  /** One argon2id hash every seeded account shares. */
  passwordHash: string;
  postgresUrl: string;
  masterKey: string;
  logLevel?: 'warn' | undefined;
}

/**
 * Gatehouse with its default configuration (logging at `info`, one access-log line per request, to a file
 * as a service manager would collect it), except the two throttles; `logLevel: 'warn'` for the systems
 * that measure, by difference, what the default logging costs.
 */
export function gatehouseBenchEnv(seed: GatehouseSeed): Record<string, string> {
  return {
    BENCH_DATABASE: seed.database,
    BENCH_USERS: String(seed.users),
    BENCH_PASSWORD_HASH: seed.passwordHash,
    BENCH_POSTGRES_URL: seed.postgresUrl,
    GATEHOUSE_MASTER_KEY: seed.masterKey,
    ...(seed.logLevel && { GATEHOUSE_LOG_LEVEL: seed.logLevel }),
    // The per-IP sign-in limit and the account lockout would turn a sign-in benchmark into 429s.
    GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '1000000000',
    GATEHOUSE_LOCKOUT_THRESHOLD: '1000000000',
  };
}

/**
 * The node flags `npm start` gives Gatehouse (the root package.json's `start` script: `exec node <flags>
 * packages/server/bin/gatehouse.js start`), so that the Gatehouse measured runs as users run it.
 */
export function startScriptNodeFlags(): string[] {
  const packageJson = fileURLToPath(new URL('../package.json', import.meta.url));
  const { scripts } = JSON.parse(readFileSync(packageJson, 'utf8')) as { scripts: Record<string, string> };
  const words = (scripts['start'] ?? '').split(/\s+/);
  return words.slice(words.indexOf('node') + 1).filter((word) => word.startsWith('--'));
}

/** Starts bench/servers/<file> and waits for it to listen and finish seeding. */
export async function startServer(name: string, file: string, options: StartOptions): Promise<ServerProcess> {
  const script = fileURLToPath(new URL(`./servers/${file}`, import.meta.url));
  const logPath = join(options.logDir, `${name}.log`);
  const log = openSync(logPath, 'w');
  const child = fork(script, [], {
    // Plain node: a TypeScript loader would add its own memory to the RSS being measured.
    execArgv: options.nodeFlags ?? [],
    env: cleanEnv(options.env ?? {}),
    stdio: ['ignore', log, log, 'ipc'],
  });
  closeSync(log);
  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start within ${(options.timeoutMs ?? 180_000) / 1000} s`)),
      options.timeoutMs ?? 180_000,
    );
    child.once('message', (message: ReadyMessage) => {
      clearTimeout(timer);
      resolve(message);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      const tail = readFileSync(logPath, 'utf8').split('\n').slice(-15).join('\n');
      reject(new Error(`${name} exited with ${code} before listening; ${logPath} ends with:\n${tail}`));
    });
  }).catch(async (error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });
  let gone = false;
  child.once('exit', () => {
    gone = true;
  });
  return {
    name,
    pid: child.pid!,
    origin: `http://127.0.0.1:${ready.port}`,
    credentials: ready.credentials ?? {},
    exited: () => gone,
    async stop() {
      if (gone) return;
      child.kill('SIGTERM');
      // A CPU profile is written at exit and may take a few seconds for a long run.
      if (!(await waitForExit(child, 20_000))) child.kill('SIGKILL');
    },
  };
}

/** Resident set size in MB from /proc/<pid>/status (VmRSS), or undefined when the process is gone. */
export function residentMb(pid: number): number | undefined {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system, all threads) a process has used, from /proc/<pid>/stat. Unlike throughput,
 * CPU time per request barely moves when other work shares the machine, so it is reported beside req/s.
 */
export function cpuSeconds(pid: number): number | undefined {
  return ticksOf(`/proc/${pid}/stat`);
}

/**
 * CPU seconds of a process's main thread only (its event loop, for Node), from /proc/<pid>/task/<pid>/stat.
 * The event loop is what bounds a Node server's rate: work moved to libuv's pool (a signature, a hash) leaves
 * the process's CPU per request as it was but lowers this one.
 */
export function mainThreadCpuSeconds(pid: number): number | undefined {
  return ticksOf(`/proc/${pid}/task/${pid}/stat`);
}

function ticksOf(file: string): number | undefined {
  try {
    const stat = readFileSync(file, 'utf8');
    // Fields after the command name, which is in parentheses and may itself contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat(5), in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** Samples the RSS of some processes every 100 ms while a load runs; keeps the largest value of each. */
export class RssSampler {
  readonly #max = new Map<number, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(readonly pids: () => number[]) {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), 100);
  }

  #sample(): void {
    for (const pid of this.pids()) {
      const mb = residentMb(pid);
      if (mb !== undefined) this.#max.set(pid, Math.max(this.#max.get(pid) ?? 0, mb));
    }
  }

  /** Stops sampling; the largest RSS (MB) seen for each pid. */
  stop(): Map<number, number> {
    clearInterval(this.#timer);
    this.#sample();
    return this.#max;
  }
}
