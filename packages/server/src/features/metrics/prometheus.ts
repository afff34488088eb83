import type pg from 'pg';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { OutageLog } from '../../storage/outage.js';
import type {
  CountedCache,
  LockoutSubject,
  Metrics,
  SignInMethod,
  SignInOutcome,
  SweepOutcome,
} from './recorder.js';
import { RequestDurations } from './request-durations.js';

/** What the scrape reads at collection time (nothing of this costs a request anything). */
export interface MetricSources {
  /** PostgreSQL only. */
  pool?: pg.Pool | undefined;
  outage?: OutageLog | undefined;
  /** False while the PostgreSQL LISTEN connection is down. */
  listening: () => boolean;
  /** Invalidations received (the bus subscribes the counter); `'*'` is "drop every cache". */
  subscribe: (listener: (key: string) => void) => void;
  hashing: () => { running: number; queued: number };
}

/**
 * The Prometheus side of Metrics: one registry per app (tests build many apps in one process), the
 * process's default metrics (RSS, event-loop lag, GC) plus Gatehouse's own, all named `gatehouse_*`.
 */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  readonly #requests: RequestDurations;
  readonly #signIns: Counter<'method' | 'outcome'>;
  readonly #lockouts: Counter<'subject'>;
  readonly #reuse: Counter;
  readonly #sweeps: Counter<'outcome'>;
  readonly #swept: Counter;
  readonly #caches = new Map<string, CountedCache>();

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.#requests = new RequestDurations(this.registry);
    this.#signIns = new Counter({
      name: 'gatehouse_signins_total',
      help: 'Sign-in attempts by method (password, second_factor, social) and outcome (success, failure, locked, throttled)',
      labelNames: ['method', 'outcome'],
      registers,
    });
    this.#lockouts = new Counter({
      name: 'gatehouse_lockouts_total',
      help: 'Sign-in budgets that ran out and locked, by subject (account, or unknown: an identifier no account has)',
      labelNames: ['subject'],
      registers,
    });
    this.#reuse = new Counter({
      name: 'gatehouse_refresh_token_reuse_total',
      help: 'Rotated refresh tokens presented again: each revoked its whole token family',
      registers,
    });
    this.#sweeps = new Counter({
      name: 'gatehouse_sweep_runs_total',
      help: 'Sweeps of expired rows by outcome (skipped: another instance held the sweep lock)',
      labelNames: ['outcome'],
      registers,
    });
    this.#swept = new Counter({
      name: 'gatehouse_sweep_deleted_rows_total',
      help: 'Expired rows the sweeps deleted',
      registers,
    });
    const caches = this.#caches;
    new Counter({
      name: 'gatehouse_cache_lookups_total',
      help: 'Credential cache lookups by cache and result (hit, miss): the hit ratio',
      labelNames: ['cache', 'result'],
      registers,
      collect() {
        this.reset();
        for (const [cache, counts] of caches) {
          this.inc({ cache, result: 'hit' }, counts.hits);
          this.inc({ cache, result: 'miss' }, counts.misses);
        }
      },
    });
    const invalidations = new Counter({
      name: 'gatehouse_cache_invalidations_total',
      help: 'Invalidations received (from this or another instance); scope "all" drops every cache (a missed-message recovery)',
      labelNames: ['scope'],
      registers,
    });
    const one = invalidations.labels('one');
    const all = invalidations.labels('all');
    sources.subscribe((key) => (key === '*' ? all : one).inc());
    new Gauge({
      name: 'gatehouse_invalidation_listener_up',
      help: '1 while the PostgreSQL LISTEN connection carrying cross-instance invalidations is up (always 1 on SQLite)',
      registers,
      collect() {
        this.set(sources.listening() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'gatehouse_password_hashes',
      help: 'Password hashes computing (running) and waiting for a slot (queued; GATEHOUSE_HASH_CONCURRENCY)',
      labelNames: ['state'],
      registers,
      collect() {
        const { running, queued } = sources.hashing();
        this.set({ state: 'running' }, running);
        this.set({ state: 'queued' }, queued);
      },
    });
    this.#databaseMetrics(sources, registers);
  }

  #databaseMetrics({ pool, outage }: MetricSources, registers: Registry[]): void {
    if (pool) {
      new Gauge({
        name: 'gatehouse_db_pool_connections',
        help: 'PostgreSQL pool connections: total (open), idle, in_use, and waiting (requests waiting for one)',
        labelNames: ['state'],
        registers,
        collect() {
          this.set({ state: 'total' }, pool.totalCount);
          this.set({ state: 'idle' }, pool.idleCount);
          this.set({ state: 'in_use' }, pool.totalCount - pool.idleCount);
          this.set({ state: 'waiting' }, pool.waitingCount);
        },
      });
    }
    if (outage) {
      new Gauge({
        name: 'gatehouse_db_up',
        help: '0 during a database outage (queries failing below SQL: requests answer 503), else 1',
        registers,
        collect() {
          this.set(outage.down ? 0 : 1);
        },
      });
      new Counter({
        name: 'gatehouse_db_failures_total',
        help: 'Database operations that failed below SQL (connection lost, refused, timed out): each answered 503',
        registers,
        collect() {
          this.reset();
          this.inc(outage.totalFailures);
        },
      });
    }
  }

  /** Called from the onResponse hook: one Map lookup and a bucket search per request. */
  observeRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    this.#requests.observe(method, route, status, seconds);
  }

  signIn(method: SignInMethod, outcome: SignInOutcome): void {
    this.#signIns.inc({ method, outcome });
  }

  lockoutStarted(subject: LockoutSubject): void {
    this.#lockouts.inc({ subject });
  }

  refreshReuse(): void {
    this.#reuse.inc();
  }

  sweep(outcome: SweepOutcome, deletedRows: number): void {
    this.#sweeps.inc({ outcome });
    if (deletedRows > 0) this.#swept.inc(deletedRows);
  }

  watchCache(name: string, cache: CountedCache): void {
    this.#caches.set(name, cache);
  }
}
