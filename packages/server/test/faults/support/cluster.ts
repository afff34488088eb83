import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './instance.js';

const run = promisify(execFile);

/** The newest PostgreSQL server binaries installed (Debian's layout), or GATEHOUSE_TEST_PG_BIN. */
function serverBinaries(): string | undefined {
  const configured = process.env['GATEHOUSE_TEST_PG_BIN'];
  if (configured) return existsSync(join(configured, 'pg_ctl')) ? configured : undefined;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((version) => existsSync(join(root, version, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], 'bin') : undefined;
}

/** The uid and gid of the `postgres` account: PostgreSQL refuses to run as root. */
async function postgresAccount(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * A throwaway PostgreSQL cluster of the test's own (initdb in a temporary folder, a free port, trust
 * authentication on 127.0.0.1 only), so that a test can restart a real server under load without touching
 * the shared one on 5432. `destroy()` stops it and deletes the folder.
 */
export class PrivateCluster {
  static readonly binaries = serverBinaries();
  readonly #dir = mkdtempSync(join(tmpdir(), 'gatehouse-pg-'));
  readonly #data = join(this.#dir, 'data');
  #account: { uid: number; gid: number } | undefined;
  port = 0;

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  async create(): Promise<void> {
    this.#account = await postgresAccount();
    if (this.#account) chownSync(this.#dir, this.#account.uid, this.#account.gid);
    this.port = await freePort();
    await this.#pg('initdb', [
      '-D',
      this.#data,
      '-U',
      'postgres',
      '--auth=trust',
      '--encoding=UTF8',
      '--no-sync',
    ]);
    await this.start();
  }

  async start(): Promise<void> {
    await this.#pg('pg_ctl', [
      '-D',
      this.#data,
      '-l',
      join(this.#dir, 'log'),
      '-o',
      this.#options(),
      '-w',
      'start',
    ]);
  }

  /** `pg_ctl restart -m fast`: every connection is terminated, the server is back when this returns. */
  async restart(): Promise<void> {
    await this.#pg('pg_ctl', [
      '-D',
      this.#data,
      '-l',
      join(this.#dir, 'log'),
      '-o',
      this.#options(),
      '-m',
      'fast',
      '-w',
      'restart',
    ]);
  }

  async destroy(): Promise<void> {
    await this.#pg('pg_ctl', ['-D', this.#data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #options(): string {
    // Its socket in its own folder; durability settings off (a fast shutdown still checkpoints).
    return `-p ${this.port} -k ${this.#dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
  }

  async #pg(program: string, args: string[]): Promise<void> {
    const binary = join(PrivateCluster.binaries ?? '', program);
    const [command, argv] = this.#account
      ? ['runuser', ['-u', 'postgres', '--', binary, ...args]]
      : [binary, args];
    await run(command, argv, { cwd: this.#dir, timeout: 60_000 });
  }
}
