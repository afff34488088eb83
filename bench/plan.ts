/**
 * What is measured, in which order. Systems alternate (a Gatehouse run, then a peer, then Gatehouse on the
 * other database, …) so drift on a shared machine hits every system alike. Every run with a target against
 * the ceiling or the raw argon2id loop takes turns with it in one-second slices (bench/paired.ts), and its
 * ratio is to the reference measured beside it; the ceiling and the loop also run once on their own, for
 * the table and the history.
 */
import {
  assertRefreshAvailable,
  basicAuth,
  betterAuthCookie,
  call,
  gatehouseApiToken,
  gatehouseCookie,
  gatehouseTokens,
  type HttpAnswer,
  oidcAccessToken,
} from './credentials.js';
import type { HashLoopJob, LoadJob } from './load.js';
import type { BenchOptions } from './options.js';
import { OIDC_CLIENT, OIDC_JWT_RESOURCE, SEED_PASSWORD, seedEmail } from './seed.js';
import type { ServerProcess } from './servers.js';

export type SystemId =
  | 'fastify'
  | 'gatehouse-sqlite'
  | 'gatehouse-postgres'
  /** The same servers at GATEHOUSE_LOG_LEVEL=warn: what the default `info` logging costs, by difference. */
  | 'gatehouse-sqlite-warn'
  | 'gatehouse-postgres-warn'
  | 'better-auth'
  | 'oidc-provider'
  | 'argon2id';

/** A load plus the check its first answer must pass (a 200 of the wrong kind is not a measurement). */
export interface CheckedLoad {
  job: LoadJob;
  expect?: (answer: HttpAnswer) => boolean;
}

/** The systems a run can be measured beside, and the id of their own runs (without the `#n`). */
export const REFERENCE_RUN = { fastify: 'fastify/hello', argon2id: 'argon2id/raw-verify' } as const;
export type Reference = keyof typeof REFERENCE_RUN;

/** One side of a paired run. */
export type Turn = { kind: 'load'; load: CheckedLoad } | { kind: 'hash-loop'; job: HashLoopJob };

export type Prepared =
  | { kind: 'load'; load: CheckedLoad }
  | { kind: 'hash-loop'; job: HashLoopJob }
  /**
   * The run and its reference (the ceiling, the raw argon2id loop) in alternating slices (bench/paired.ts):
   * the row's ratio to that reference is to the reference measured beside it.
   */
  | { kind: 'paired'; measured: Turn; reference: Turn }
  /** Two loads at once on one server; `measured` names the one the row reports. */
  | { kind: 'concurrent'; loads: Record<string, CheckedLoad> };

export interface PlanContext {
  options: BenchOptions;
  server(system: SystemId): ServerProcess;
  passwordHash: string;
  /** Memoised per server, so each credential is minted once. */
  once<T>(key: string, make: () => Promise<T>): Promise<T>;
}

export interface RunSpec {
  id: string;
  system: SystemId;
  operation: string;
  /** The reference measured beside the run in alternating slices, when it has one. */
  beside?: Reference;
  prepare(ctx: PlanContext): Promise<Prepared>;
}

/** Rows the table lists but never measures: Gatehouse issues JWT access tokens only (RFC 9068). */
export const NOT_IMPLEMENTED = [
  { id: 'gatehouse/client-credentials', operation: 'POST /oauth2/token client_credentials (opaque)' },
] as const;

function job(ctx: PlanContext, system: SystemId, partial: LoadRequest): LoadJob {
  const { connections, warmup, duration } = ctx.options;
  return { origin: ctx.server(system).origin, connections, warmup, duration, ...partial };
}

const isUser = (index: number) => (answer: HttpAnswer) =>
  answer.status === 200 && (answer.body as { email?: string } | null)?.email === seedEmail(index);

type Gatehouse =
  | 'gatehouse-sqlite'
  | 'gatehouse-postgres'
  | 'gatehouse-sqlite-warn'
  | 'gatehouse-postgres-warn';

function cookieOf(ctx: PlanContext, system: Gatehouse): Promise<string> {
  return ctx.once(`${system}/cookie`, () => gatehouseCookie(ctx.server(system).origin, 0));
}

function meByCookie(ctx: PlanContext, system: Gatehouse, cookie: string): CheckedLoad {
  return {
    job: job(ctx, system, meRequest({ cookie })),
    expect: isUser(0),
  };
}

/** What a load sends, without where to and for how long (`job` adds those). */
export type LoadRequest = Omit<LoadJob, 'origin' | 'connections' | 'warmup' | 'duration'>;

/** GET /api/me with a credential's headers: every credential check, and the bench's process warm-up. */
export const meRequest = (headers: Record<string, string>): LoadRequest => ({
  method: 'GET',
  path: '/api/me',
  headers,
});

/** Password sign-in cycling through `users` seeded accounts: every request one argon2id verification. */
export function signinRequest(users: number): LoadRequest {
  return {
    method: 'POST',
    path: '/api/signin',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: seedEmail(0), password: SEED_PASSWORD }),
    feed: { kind: 'signin', body: { password: SEED_PASSWORD }, loginField: 'username', users },
  };
}

/** Fastify's hello-world: the ceiling. */
export const HELLO_REQUEST: LoadRequest = { method: 'GET', path: '/', headers: {} };

function signinLoad(ctx: PlanContext, system: Gatehouse): CheckedLoad {
  return {
    job: job(ctx, system, signinRequest(ctx.options.users)),
    expect: (answer) => answer.status === 200,
  };
}

/** The ceiling's load: Fastify's hello-world. */
function helloLoad(ctx: PlanContext): CheckedLoad {
  return {
    job: job(ctx, 'fastify', HELLO_REQUEST),
    expect: (a) => a.status === 200,
  };
}

/** The raw argon2id loop, with Gatehouse's hashing concurrency. */
function hashLoop(ctx: PlanContext): HashLoopJob {
  return {
    hash: ctx.passwordHash,
    password: SEED_PASSWORD,
    concurrency: ctx.options.hashConcurrency,
    warmup: ctx.options.warmup,
    duration: ctx.options.duration,
  };
}

/** A Gatehouse load measured in turns with the ceiling. */
const besideCeiling = (ctx: PlanContext, load: CheckedLoad): Prepared => ({
  kind: 'paired',
  measured: { kind: 'load', load },
  reference: { kind: 'load', load: helloLoad(ctx) },
});

/** Slices of one side in a paired run: the warm-up's and the measured window's. */
const slicesPerSide = (ctx: PlanContext) =>
  Math.ceil(ctx.options.warmup / ctx.options.slice) + Math.ceil(ctx.options.duration / ctx.options.slice);

function gatehouseRuns(system: Gatehouse): Record<string, RunSpec> {
  return {
    meCookie: {
      id: `${system}/me-cookie`,
      system,
      operation: 'GET /api/me (cookie session)',
      beside: 'fastify',
      prepare: async (ctx) => besideCeiling(ctx, meByCookie(ctx, system, await cookieOf(ctx, system))),
    },
    meBearer: {
      id: `${system}/me-bearer`,
      system,
      operation: 'GET /api/me (bearer access token)',
      beside: 'fastify',
      prepare: async (ctx) => {
        const { token } = await ctx.once(`${system}/tokens`, () =>
          gatehouseTokens(ctx.server(system).origin, 1),
        );
        const headers = { authorization: `Bearer ${token}` };
        return besideCeiling(ctx, {
          job: job(ctx, system, meRequest(headers)),
          expect: isUser(1),
        });
      },
    },
    meApiKey: {
      id: `${system}/me-api-key`,
      system,
      operation: 'GET /api/me (x-api-key)',
      beside: 'fastify',
      prepare: async (ctx) => {
        const origin = ctx.server(system).origin;
        const key = await ctx.once(`${system}/api-key`, async () =>
          gatehouseApiToken(origin, await gatehouseCookie(origin, 2)),
        );
        const headers = { 'x-api-key': key };
        return besideCeiling(ctx, {
          job: job(ctx, system, meRequest(headers)),
          expect: isUser(2),
        });
      },
    },
    refresh: {
      id: `${system}/refresh`,
      system,
      operation: 'POST /api/token/refresh (rotation)',
      beside: 'fastify',
      prepare: async (ctx) => {
        const origin = ctx.server(system).origin;
        await assertRefreshAvailable(origin);
        // Each rotation hands the next request its token, and every slice's end loses the chains then in
        // flight (one per connection): a chain per connection for every slice, plus spares.
        const chains = ctx.options.connections * slicesPerSide(ctx) + 5;
        const tokens: string[] = [];
        for (let i = 0; i < chains; i += 1) tokens.push((await gatehouseTokens(origin, 10 + i)).refreshToken);
        return besideCeiling(ctx, {
          job: job(ctx, system, {
            method: 'POST',
            path: '/api/token/refresh',
            headers: { 'content-type': 'application/json' },
            body: '{}',
            feed: { kind: 'refresh-chain', warmupTokens: [], tokens },
          }),
        });
      },
    },
    signin: {
      id: `${system}/signin`,
      system,
      operation: 'POST /api/signin (password, cookie)',
      beside: 'argon2id',
      prepare: async (ctx) => ({
        kind: 'paired',
        measured: { kind: 'load', load: signinLoad(ctx, system) },
        reference: { kind: 'hash-loop', job: hashLoop(ctx) },
      }),
    },
  };
}

const sqlite = gatehouseRuns('gatehouse-sqlite');
const postgres = gatehouseRuns('gatehouse-postgres');
const sqliteWarn = gatehouseRuns('gatehouse-sqlite-warn');
const postgresWarn = gatehouseRuns('gatehouse-postgres-warn');

const ceiling = (n: number): RunSpec => ({
  id: `fastify/hello#${n}`,
  system: 'fastify',
  operation: 'GET / hello-world (the ceiling)',
  prepare: async (ctx) => ({ kind: 'load', load: helloLoad(ctx) }),
});

const rawArgon2 = (n: number): RunSpec => ({
  id: `argon2id/raw-verify#${n}`,
  system: 'argon2id',
  operation: 'raw @node-rs/argon2 verify loop',
  prepare: async (ctx) => ({ kind: 'hash-loop', job: hashLoop(ctx) }),
});

const betterAuth: Record<string, RunSpec> = {
  getSession: {
    id: 'better-auth/get-session',
    system: 'better-auth',
    operation: 'GET /api/auth/get-session (cookie)',
    prepare: async (ctx) => {
      const cookie = await ctx.once('better-auth/cookie', () =>
        betterAuthCookie(ctx.server('better-auth').origin, 0),
      );
      return {
        kind: 'load',
        load: {
          job: job(ctx, 'better-auth', { method: 'GET', path: '/api/auth/get-session', headers: { cookie } }),
          expect: (a) =>
            a.status === 200 &&
            (a.body as { user?: { email?: string } } | null)?.user?.email === seedEmail(0),
        },
      };
    },
  },
  apiKey: {
    id: 'better-auth/api-key',
    system: 'better-auth',
    operation: 'GET /api/auth/get-session (x-api-key)',
    prepare: async (ctx) => {
      const key = ctx.server('better-auth').credentials['apiKey0'];
      if (!key) throw new Error('better-auth minted no API key');
      return {
        kind: 'load',
        load: {
          job: job(ctx, 'better-auth', {
            method: 'GET',
            path: '/api/auth/get-session',
            headers: { 'x-api-key': key },
          }),
          expect: (a) =>
            a.status === 200 &&
            (a.body as { user?: { email?: string } } | null)?.user?.email === seedEmail(0),
        },
      };
    },
  },
  signin: {
    id: 'better-auth/signin',
    system: 'better-auth',
    operation: 'POST /api/auth/sign-in/email (scrypt)',
    prepare: async (ctx) => ({
      kind: 'load',
      load: {
        job: job(ctx, 'better-auth', {
          method: 'POST',
          path: '/api/auth/sign-in/email',
          // better-auth refuses a POST without Origin (its CSRF check), as a browser would always send one.
          headers: { 'content-type': 'application/json', origin: ctx.server('better-auth').origin },
          body: JSON.stringify({ email: seedEmail(0), password: SEED_PASSWORD }),
          feed: {
            kind: 'signin',
            body: { password: SEED_PASSWORD },
            loginField: 'email',
            users: ctx.options.users,
          },
        }),
        expect: (a) => a.status === 200,
      },
    }),
  },
};

const oidcAuth = basicAuth(OIDC_CLIENT.id, OIDC_CLIENT.secret);
const tokenRequest = (ctx: PlanContext, form: string): CheckedLoad => ({
  job: job(ctx, 'oidc-provider', {
    method: 'POST',
    path: '/token',
    headers: { authorization: oidcAuth, 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  }),
  expect: (a) => a.status === 200 && typeof (a.body as { access_token?: unknown }).access_token === 'string',
});

/** Gatehouse's token endpoint and introspection, with the client gatehouse.mjs registers at start. */
const gatehouseOAuth = (system: 'gatehouse-sqlite' | 'gatehouse-postgres'): Record<string, RunSpec> => {
  const auth = (ctx: PlanContext) => {
    const { oauthClientId, oauthClientSecret } = ctx.server(system).credentials;
    if (!oauthClientId || !oauthClientSecret) throw new Error('gatehouse.mjs announced no OAuth client');
    return basicAuth(oauthClientId, oauthClientSecret);
  };
  const form = `grant_type=client_credentials&scope=api&resource=${encodeURIComponent(OIDC_JWT_RESOURCE)}`;
  const headers = (ctx: PlanContext) => ({
    authorization: auth(ctx),
    'content-type': 'application/x-www-form-urlencoded',
  });
  return {
    jwt: {
      id: `${system}/client-credentials-jwt`,
      system,
      operation: 'POST /oauth2/token client_credentials (JWT)',
      prepare: async (ctx) => ({
        kind: 'load',
        load: {
          job: job(ctx, system, { method: 'POST', path: '/oauth2/token', headers: headers(ctx), body: form }),
          expect: (a) =>
            a.status === 200 && typeof (a.body as { access_token?: unknown }).access_token === 'string',
        },
      }),
    },
    introspection: {
      id: `${system}/introspection`,
      system,
      operation: 'POST /oauth2/introspect (JWT)',
      prepare: async (ctx) => {
        const answer = await call(ctx.server(system).origin, '/oauth2/token', {
          form,
          headers: { authorization: auth(ctx) },
        });
        const token = (answer.body as { access_token?: string }).access_token;
        if (answer.status !== 200 || !token)
          throw new Error(`gatehouse token: ${JSON.stringify(answer.body)}`);
        return {
          kind: 'load',
          load: {
            job: job(ctx, system, {
              method: 'POST',
              path: '/oauth2/introspect',
              headers: headers(ctx),
              body: `token=${encodeURIComponent(token)}`,
            }),
            expect: (a) => a.status === 200 && (a.body as { active?: boolean }).active === true,
          },
        };
      },
    },
  };
};
const sqliteOAuth = gatehouseOAuth('gatehouse-sqlite');
const postgresOAuth = gatehouseOAuth('gatehouse-postgres');

const oidc: Record<string, RunSpec> = {
  opaque: {
    id: 'oidc-provider/client-credentials',
    system: 'oidc-provider',
    operation: 'POST /token client_credentials (opaque)',
    prepare: async (ctx) => ({
      kind: 'load',
      load: tokenRequest(ctx, 'grant_type=client_credentials&scope=api'),
    }),
  },
  jwt: {
    id: 'oidc-provider/client-credentials-jwt',
    system: 'oidc-provider',
    operation: 'POST /token client_credentials (JWT)',
    prepare: async (ctx) => ({
      kind: 'load',
      load: tokenRequest(
        ctx,
        `grant_type=client_credentials&scope=api&resource=${encodeURIComponent(OIDC_JWT_RESOURCE)}`,
      ),
    }),
  },
  introspection: {
    id: 'oidc-provider/introspection',
    system: 'oidc-provider',
    operation: 'POST /token/introspection (opaque)',
    prepare: async (ctx) => {
      const token = await oidcAccessToken(ctx.server('oidc-provider').origin, oidcAuth);
      return {
        kind: 'load',
        load: {
          job: job(ctx, 'oidc-provider', {
            method: 'POST',
            path: '/token/introspection',
            headers: { authorization: oidcAuth, 'content-type': 'application/x-www-form-urlencoded' },
            body: `token=${encodeURIComponent(token)}`,
          }),
          expect: (a) => a.status === 200 && (a.body as { active?: boolean }).active === true,
        },
      };
    },
  },
};

/** Sign-ins saturate the hashers while cookie requests keep coming: their p99 is what the row reports. */
const mixed: RunSpec = {
  id: 'gatehouse-sqlite/mixed',
  system: 'gatehouse-sqlite',
  operation: 'GET /api/me (cookie) while sign-ins saturate the hashers',
  prepare: async (ctx) => ({
    kind: 'concurrent',
    loads: {
      me: meByCookie(ctx, 'gatehouse-sqlite', await cookieOf(ctx, 'gatehouse-sqlite')),
      signin: signinLoad(ctx, 'gatehouse-sqlite'),
    },
  }),
};

/**
 * Gatehouse runs with its default configuration (`info` logging: one access-log line per request); the
 * credential checks run once more on the same code at `warn`, right after, so the pair shows what the
 * default logging costs.
 */
export const SCHEDULE: RunSpec[] = [
  ceiling(1),
  sqlite.meCookie!,
  sqliteWarn.meCookie!,
  betterAuth.getSession!,
  postgres.meCookie!,
  postgresWarn.meCookie!,
  sqlite.meBearer!,
  sqliteWarn.meBearer!,
  postgres.meBearer!,
  postgresWarn.meBearer!,
  betterAuth.apiKey!,
  sqlite.meApiKey!,
  sqliteWarn.meApiKey!,
  postgres.meApiKey!,
  postgresWarn.meApiKey!,
  sqlite.refresh!,
  oidc.opaque!,
  postgres.refresh!,
  oidc.jwt!,
  sqliteOAuth.jwt!,
  postgresOAuth.jwt!,
  oidc.introspection!,
  sqliteOAuth.introspection!,
  postgresOAuth.introspection!,
  rawArgon2(1),
  sqlite.signin!,
  betterAuth.signin!,
  postgres.signin!,
  mixed,
];

/** Sends a load's request once and checks the answer before measuring. */
export async function probe(load: CheckedLoad): Promise<void> {
  if (!load.expect) return;
  const { job } = load;
  const answer = await call(job.origin, job.path, {
    method: job.method,
    headers: job.headers,
    ...(job.body !== undefined && { body: job.body }),
  }).catch((error: unknown) => {
    throw new Error(`probe failed: ${error instanceof Error ? error.message : String(error)}`);
  });
  if (!load.expect(answer)) {
    throw new Error(`probe answered ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
  }
}
