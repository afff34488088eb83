/**
 * An A/B of two Gatehouse servers (or one and the Fastify ceiling) in alternating windows: both live for the
 * whole run and take turns (ABBA…), so that the host's moment falls on both alike. On a shared virtual
 * machine a check's cost moves by 2× from one second to the next (docs/performance.md, "Tenth round"): two
 * configurations measured minutes apart compare those minutes, not the configurations.
 *
 *   npx tsx bench/ab.ts [--database=sqlite|postgres] [--load=cookie|api-key|signin] [--rounds=40]
 *     [--seconds=1] [--level=info|warn] [--a-flags="…"] [--b-flags="…"] [--b-env=NAME=value,…]
 *     [--b=ceiling]
 *
 * Both sides run the node flags of `npm start` unless `--a-flags` / `--b-flags` replace them; `--b-env` adds
 * GATEHOUSE_* settings to B only; `--b=ceiling` makes B the hello-world (no `--load` then: it answers GET /).
 * Run `npm run build -w @gatehouse/server` first: Gatehouse runs from its build, as in `npm run bench`.
 * Prints each round's CPU µs per request (or per sign-in) of both sides, then the medians, the median of the
 * per-round B/A ratios (below 1: B costs less) and how closely the two sides moved together.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { hash } from '@node-rs/argon2';
import { gatehouseApiToken, gatehouseCookie } from './credentials.js';
import { type LoadJob, runLoad } from './load.js';
import { quiet } from './paired.js';
import { HELLO_REQUEST, meRequest, signinRequest } from './plan.js';
import { ARGON2ID, SEED_PASSWORD } from './seed.js';
import {
  cpuSeconds,
  gatehouseBenchEnv,
  type ServerProcess,
  startScriptNodeFlags,
  startServer,
} from './servers.js';

const { values } = parseArgs({
  options: {
    database: { type: 'string', default: 'sqlite' },
    load: { type: 'string', default: 'cookie' },
    rounds: { type: 'string', default: '40' },
    seconds: { type: 'string', default: '1' },
    level: { type: 'string', default: 'warn' },
    'a-flags': { type: 'string' },
    'b-flags': { type: 'string' },
    'b-env': { type: 'string', default: '' },
    b: { type: 'string', default: 'gatehouse' },
  },
});
/** The option's value when it is one of `allowed`; anything else is a mistake worth stopping for. */
function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new Error(`--${name} is ${allowed.join(', ')}, not ${value}`);
  return value as T;
}
const database = oneOf('database', values.database, ['sqlite', 'postgres'] as const);
const load = oneOf('load', values.load, ['cookie', 'api-key', 'signin'] as const);
const level = oneOf('level', values.level, ['warn', 'info'] as const);
const against = oneOf('b', values.b, ['gatehouse', 'ceiling'] as const);
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
if (!(rounds >= 2) || !(seconds > 0)) throw new Error('--rounds must be at least 2 and --seconds above 0');
const words = (flags: string | undefined) =>
  flags === undefined ? startScriptNodeFlags() : flags.split(/\s+/).filter(Boolean);
const bEnv = Object.fromEntries(
  values['b-env']
    .split(',')
    .filter(Boolean)
    .map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`--b-env takes NAME=value pairs, not ${pair}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
);

/** Fewer accounts than `npm run bench`: seeding is most of a side's start-up. */
const USERS = 2_000;
const seed = {
  database,
  users: USERS,
  passwordHash: await hash(SEED_PASSWORD, ARGON2ID),
  postgresUrl: process.env['BENCH_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
  masterKey: randomBytes(32).toString('base64url'),
  logLevel: level === 'info' ? undefined : level,
} as const;
const logDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(logDir, { recursive: true });

interface Side {
  name: 'A' | 'B';
  server: ServerProcess;
  job: LoadJob;
  costs: number[];
}

async function gatehouseSide(name: 'A' | 'B', flags: string[], env: Record<string, string>): Promise<Side> {
  const server = await startServer(`ab-${name}`, 'gatehouse.mjs', {
    env: { ...gatehouseBenchEnv(seed), ...env },
    logDir,
    nodeFlags: flags,
  });
  const where = { origin: server.origin, connections: 10, warmup: 0, duration: seconds };
  if (load === 'signin') return { name, server, costs: [], job: { ...where, ...signinRequest(USERS) } };
  const cookie = await gatehouseCookie(server.origin, 0);
  const headers: Record<string, string> =
    load === 'cookie' ? { cookie } : { 'x-api-key': await gatehouseApiToken(server.origin, cookie) };
  return { name, server, costs: [], job: { ...where, ...meRequest(headers) } };
}

async function ceilingSide(): Promise<Side> {
  const server = await startServer('ab-B', 'fastify-hello.mjs', { logDir });
  const job: LoadJob = {
    origin: server.origin,
    connections: 10,
    warmup: 0,
    duration: seconds,
    ...HELLO_REQUEST,
  };
  return { name: 'B', server, costs: [], job };
}

/** One window: CPU seconds the side's process used per request, read around the window and its quiet tail. */
async function window(side: Side): Promise<void> {
  const before = cpuSeconds(side.server.pid);
  const result = await runLoad(side.job);
  await quiet(side.server.pid);
  const after = cpuSeconds(side.server.pid);
  if (before === undefined || after === undefined || result.total === 0)
    throw new Error(`${side.name} stopped answering (see ${logDir}ab-${side.name}.log)`);
  if (result.errors > 0) throw new Error(`${side.name} answered ${result.errors} requests with errors`);
  side.costs.push(((after - before) * 1e6) / result.total);
}

const median = (xs: number[]) => {
  const sorted = [...xs].sort((x, y) => x - y);
  const middle = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

function correlation(xs: number[], ys: number[]): number {
  const mx = xs.reduce((s, x) => s + x, 0) / xs.length;
  const my = ys.reduce((s, y) => s + y, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i += 1) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

const a = await gatehouseSide('A', words(values['a-flags']), {});
const b =
  against === 'ceiling' ? await ceilingSide() : await gatehouseSide('B', words(values['b-flags']), bEnv);
try {
  process.stdout.write(`A: ${a.job.method} ${a.job.path} ${words(values['a-flags']).join(' ')}\n`);
  process.stdout.write(
    `B: ${b.job.method} ${b.job.path} ${against === 'ceiling' ? '(the ceiling)' : `${words(values['b-flags']).join(' ')} ${values['b-env']}`}\n`,
  );
  // The first two rounds warm both processes up (JIT, caches, the young generation's size) and are not counted.
  const warmup = 2;
  for (let round = 0; round < rounds + warmup; round += 1) {
    for (const side of round % 2 === 0 ? [a, b] : [b, a]) await window(side);
    process.stdout.write(
      `${round < warmup ? `warm-up ${round + 1}` : `round ${round - warmup + 1}`}: A ${a.costs.at(-1)!.toFixed(0)} µs, B ${b.costs.at(-1)!.toFixed(0)} µs\n`,
    );
  }
  const counted = (side: Side) => side.costs.slice(warmup);
  const ratios = counted(b).map((cost, i) => cost / counted(a)[i]!);
  process.stdout.write(
    `median CPU µs per request: A ${median(counted(a)).toFixed(1)}, B ${median(counted(b)).toFixed(1)}; ` +
      `median of the rounds' B/A ${median(ratios).toFixed(3)} (range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}); ` +
      `correlation of A and B across rounds ${correlation(counted(a), counted(b)).toFixed(2)}\n`,
  );
} finally {
  await Promise.all([a.server.stop(), b.server.stop()]);
}
