/**
 * The one table, the targets of issues 16 and 11 computed from it (met or missed, with the CPU per request
 * beside every rate), the cost of the default logging and the RSS of each system.
 */
import { REFERENCE_RUN, type SystemId } from './plan.js';

export type RunStatus = 'ok' | 'errors' | 'not available' | 'not implemented' | 'failed';

export interface RunRow {
  id: string;
  system: SystemId | 'gatehouse';
  operation: string;
  status: RunStatus;
  note?: string;
  /** Requests (hashes for the raw loop) per second. */
  rps?: number;
  p50?: number;
  p99?: number;
  errors?: number;
  statusCodes?: Record<string, number>;
  /** Largest VmRSS of the serving process during the run. */
  rssMb?: number;
  /** CPU time the serving process spent per request in the measured window (microseconds). */
  cpuUsPerRequest?: number;
  /** The same for its main thread alone: the event loop, which bounds a Node server's rate. */
  loopUsPerRequest?: number;
  /** Percentage of the machine's CPU time the hypervisor gave to other guests in the window (steal.ts). */
  stealPercent?: number;
  /** How many times the run was measured (more than once when steal exceeded the limit); absent when once. */
  attempts?: number;
  /** Steal stayed above the limit in every attempt: a reference's mean leaves it out (`usable`). */
  stolen?: boolean;
  /**
   * The reference measured in turns with this run (bench/paired.ts): its ratio to that reference (the
   * ceiling, the raw argon2id loop) is to this measurement, not to the reference's own rows.
   */
  beside?: { id: string; rps: number; cpuUsPerRequest?: number };
  /** Filled by `computeRatios`. */
  ratios?: Record<string, number>;
}

export interface TargetRow {
  target: string;
  /** The ratio (`0.52×`), latency (`8.9 ms`) or RSS (`142 MB`) measured. */
  measured: string;
  /** The same as a number, for the history file. */
  value?: number;
  verdict: 'met' | 'missed' | 'n/a';
  /** CPU µs per request of the run, and of its reference for a ratio (`44 vs 19`). */
  cpu?: string;
  /** The ratio by CPU time per request instead of by throughput (reference's µs over ours). */
  byCpu?: string;
  note?: string;
}

const RSS_LIMIT_MB = 150;
const MIXED_P99_LIMIT_MS = 50;

function mean(values: number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Of a reference's ok runs, those to use: the runs whose every attempt had steal above the limit are left
 * out, unless that is all of them. One such ceiling run (26,700 req/s at 7.5% steal, against 35,300–51,100),
 * when the ceiling still ran three times, pulled its mean down by a fifth and every ratio to it up.
 */
function usable(candidates: readonly RunRow[]): RunRow[] {
  const ok = candidates.filter((r) => r.status === 'ok');
  const clean = ok.filter((r) => !r.stolen);
  return clean.length > 0 ? clean : ok;
}

/** Mean throughput of the usable runs whose id starts with `prefix` (a reference's own runs, fastify/hello#1). */
export function meanRps(rows: readonly RunRow[], prefix: string): number | undefined {
  return mean(usable(rows.filter((r) => r.id.startsWith(prefix))).map((r) => r.rps ?? 0));
}

const find = (rows: readonly RunRow[], id: string) => rows.find((r) => r.id === id);

/** What each Gatehouse operation is compared with. */
const BETTER_AUTH_EQUIVALENT: Record<string, string> = {
  'me-cookie': 'better-auth/get-session',
  // better-auth as configured has no bearer access token; its session check is the nearest equivalent.
  'me-bearer': 'better-auth/get-session',
  'me-api-key': 'better-auth/api-key',
};

/** Gatehouse's OAuth rows and oidc-provider's runs of the same operation. */
const OIDC_PROVIDER_EQUIVALENT: Record<string, string> = {
  'client-credentials-jwt': 'oidc-provider/client-credentials-jwt',
  introspection: 'oidc-provider/introspection',
};
/** Issue 11's latency bound for the OAuth rows. */
const OAUTH_P99_LIMIT_MS = 20;

/** The reference a row names by `ceiling` or `argon2id`: the one beside it, else the mean of its own rows. */
const REFERENCE_IDS: Record<string, string> = {
  ceiling: REFERENCE_RUN.fastify,
  argon2id: REFERENCE_RUN.argon2id,
};

export function computeRatios(rows: RunRow[]): void {
  const referenceRps = (reference: string, row: RunRow) =>
    row.beside && row.beside.id === REFERENCE_IDS[reference]
      ? row.beside.rps
      : meanRps(rows, REFERENCE_IDS[reference]!);
  for (const row of rows) {
    if (row.status !== 'ok' && row.status !== 'errors') continue;
    if (row.rps === undefined || row.system === 'fastify' || row.system === 'argon2id') continue;
    const ratios: Record<string, number> = {};
    const op = row.id.split('/')[1] ?? '';
    const ceiling = referenceRps('ceiling', row);
    const argon2 = referenceRps('argon2id', row);
    if (op.includes('signin')) {
      if (argon2) ratios['argon2id'] = row.rps / argon2;
    } else if (ceiling && op !== 'mixed') ratios['ceiling'] = row.rps / ceiling;
    const peer = BETTER_AUTH_EQUIVALENT[op];
    const peerRow = peer ? find(rows, peer) : undefined;
    if (row.system.startsWith('gatehouse') && peerRow?.status === 'ok' && peerRow.rps)
      ratios['better-auth'] = row.rps / peerRow.rps;
    const oidcPeer = OIDC_PROVIDER_EQUIVALENT[op];
    const oidcRow = oidcPeer ? find(rows, oidcPeer) : undefined;
    if (row.system.startsWith('gatehouse') && oidcRow?.status === 'ok' && oidcRow.rps)
      ratios['oidc-provider'] = row.rps / oidcRow.rps;
    const warnRow = row.system.startsWith('gatehouse') ? find(rows, `${row.system}-warn/${op}`) : undefined;
    if (warnRow?.status === 'ok' && warnRow.rps) ratios['warn'] = row.rps / warnRow.rps;
    row.ratios = ratios;
  }
}

/** What a target compares: a ratio of two throughputs, a latency bound, or the largest RSS. */
type TargetSpec =
  | { kind: 'ratio'; label: string; run: string; reference: string; min: number }
  | { kind: 'p99'; label: string; run: string; max: number }
  | { kind: 'rss'; label: string; max: number };

/** The rows (and their mean CPU) a ratio's reference names: `ceiling`, `argon2id` or a peer's run. */
function referenceRows(rows: readonly RunRow[], row: RunRow, reference: string): RunRow[] {
  const op = row.id.split('/')[1] ?? '';
  if (row.beside && row.beside.id === REFERENCE_IDS[reference])
    return [{ ...row.beside, system: row.system, operation: row.operation, status: 'ok' }];
  const id =
    REFERENCE_IDS[reference] ??
    (reference === 'better-auth'
      ? BETTER_AUTH_EQUIVALENT[op]
      : reference === 'oidc-provider'
        ? OIDC_PROVIDER_EQUIVALENT[op]
        : reference === 'warn'
          ? `${row.system}-warn/${op}`
          : undefined);
  if (!id) return [];
  return usable(rows.filter((r) => r.id === id || r.id.startsWith(`${id}#`)));
}

const cpuOf = (rows: readonly RunRow[]) =>
  mean(rows.flatMap((r) => (r.cpuUsPerRequest === undefined ? [] : [r.cpuUsPerRequest])));

/** Issue 16's targets (Gatehouse with its default configuration unless said) and issue 11's OAuth ones. */
export function targetSpecs(): TargetSpec[] {
  const specs: TargetSpec[] = [];
  const checks = [
    ['me-cookie', 'cookie'],
    ['me-bearer', 'bearer'],
    ['me-api-key', 'x-api-key'],
  ] as const;
  // PostgreSQL: "the same ratios minus 0.1" (of the ceiling; the better-auth factor stays 15).
  for (const [database, name, minus] of [
    ['sqlite', 'SQLite', 0],
    ['postgres', 'PostgreSQL', 0.1],
  ] as const) {
    for (const [op, credential] of checks) {
      const atWarn = `gatehouse-${database}-warn/${op}`;
      const byDefault = `gatehouse-${database}/${op}`;
      const ceilingWarn = round2(0.6 - minus);
      const ceilingDefault = round2(0.45 - minus);
      specs.push(
        {
          kind: 'ratio',
          label: `${name} GET /api/me by ${credential} ≥ ${ceilingWarn} × ceiling (at warn)`,
          run: atWarn,
          reference: 'ceiling',
          min: ceilingWarn,
        },
        {
          kind: 'ratio',
          label: `${name} GET /api/me by ${credential} ≥ ${ceilingDefault} × ceiling (default logging)`,
          run: byDefault,
          reference: 'ceiling',
          min: ceilingDefault,
        },
        {
          kind: 'ratio',
          label: `${name} GET /api/me by ${credential} ≥ 15 × better-auth (default logging)`,
          run: byDefault,
          reference: 'better-auth',
          min: 15,
        },
        {
          kind: 'ratio',
          label: `${name} GET /api/me by ${credential} ≥ 15 × better-auth (at warn)`,
          run: atWarn,
          reference: 'better-auth',
          min: 15,
        },
      );
    }
  }
  specs.push(
    {
      kind: 'ratio',
      label: 'SQLite refresh rotation ≥ 0.1 × ceiling',
      run: 'gatehouse-sqlite/refresh',
      reference: 'ceiling',
      min: 0.1,
    },
    {
      kind: 'ratio',
      label: 'PostgreSQL refresh rotation ≥ 0.05 × ceiling',
      run: 'gatehouse-postgres/refresh',
      reference: 'ceiling',
      min: 0.05,
    },
    {
      kind: 'ratio',
      label: 'SQLite password sign-in ≥ 0.85 × raw argon2id',
      run: 'gatehouse-sqlite/signin',
      reference: 'argon2id',
      min: 0.85,
    },
    {
      kind: 'ratio',
      label: 'PostgreSQL password sign-in ≥ 0.85 × raw argon2id',
      run: 'gatehouse-postgres/signin',
      reference: 'argon2id',
      min: 0.85,
    },
    {
      kind: 'p99',
      label: `cookie GET /api/me p99 ≤ ${MIXED_P99_LIMIT_MS} ms while sign-ins saturate the hashers`,
      run: 'gatehouse-sqlite/mixed',
      max: MIXED_P99_LIMIT_MS,
    },
  );
  for (const [database, name] of [
    ['sqlite', 'SQLite'],
    ['postgres', 'PostgreSQL'],
  ] as const) {
    specs.push(
      {
        kind: 'ratio',
        label: `${name} client_credentials (JWT) ≥ 2.5 × oidc-provider`,
        run: `gatehouse-${database}/client-credentials-jwt`,
        reference: 'oidc-provider',
        min: 2.5,
      },
      {
        kind: 'p99',
        label: `${name} client_credentials (JWT) p99 ≤ ${OAUTH_P99_LIMIT_MS} ms`,
        run: `gatehouse-${database}/client-credentials-jwt`,
        max: OAUTH_P99_LIMIT_MS,
      },
      {
        kind: 'ratio',
        label: `${name} introspection ≥ 2 × oidc-provider`,
        run: `gatehouse-${database}/introspection`,
        reference: 'oidc-provider',
        min: 2,
      },
      {
        kind: 'p99',
        label: `${name} introspection p99 ≤ ${OAUTH_P99_LIMIT_MS} ms`,
        run: `gatehouse-${database}/introspection`,
        max: OAUTH_P99_LIMIT_MS,
      },
    );
  }
  specs.push({
    kind: 'rss',
    label: `Gatehouse RSS under every load ≤ ${RSS_LIMIT_MB} MB`,
    max: RSS_LIMIT_MB,
  });
  return specs;
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function unavailable(row: RunRow | undefined): string | undefined {
  if (!row) return 'not run';
  if (row.status === 'not available' || row.status === 'failed')
    return `${row.status}${row.note ? `: ${row.note}` : ''}`;
  return undefined;
}

function evaluate(rows: readonly RunRow[], spec: TargetSpec): TargetRow {
  const base = { target: spec.label, measured: '—', verdict: 'n/a' as const };
  if (spec.kind === 'rss') {
    const rss = rows.filter((r) => r.system.startsWith('gatehouse') && r.rssMb !== undefined);
    if (rss.length === 0) return { ...base, note: 'not run' };
    const worst = rss.reduce((a, b) => (b.rssMb! > a.rssMb! ? b : a));
    return {
      target: spec.label,
      measured: `${worst.rssMb!.toFixed(0)} MB`,
      value: worst.rssMb!,
      verdict: worst.rssMb! <= spec.max ? 'met' : 'missed',
      note: `largest: ${worst.id}`,
    };
  }
  const row = find(rows, spec.run);
  const missing = unavailable(row);
  if (missing || !row) return { ...base, note: missing };
  if (spec.kind === 'p99') {
    if (row.p99 === undefined) return { ...base, note: 'no latency measured' };
    return {
      target: spec.label,
      measured: `${row.p99.toFixed(1)} ms`,
      value: row.p99,
      verdict: row.p99 <= spec.max ? 'met' : 'missed',
      ...(row.cpuUsPerRequest !== undefined && { cpu: `${row.cpuUsPerRequest}` }),
    };
  }
  const ratio = row.ratios?.[spec.reference];
  if (ratio === undefined) return { ...base, note: `no ${spec.reference} run to compare with` };
  const referenceCpu = cpuOf(referenceRows(rows, row, spec.reference));
  const cpu =
    row.cpuUsPerRequest === undefined
      ? undefined
      : `${row.cpuUsPerRequest} vs ${referenceCpu === undefined ? '—' : referenceCpu.toFixed(0)}`;
  // The same comparison by CPU time per request (the reference's over ours), steadier on a busy machine.
  const byCpu =
    row.cpuUsPerRequest && referenceCpu !== undefined ? referenceCpu / row.cpuUsPerRequest : undefined;
  return {
    target: spec.label,
    measured: `${ratio.toFixed(2)}×`,
    value: round2(ratio),
    verdict: ratio >= spec.min ? 'met' : 'missed',
    ...(cpu && { cpu }),
    ...(byCpu !== undefined && { byCpu: `${byCpu.toFixed(2)}×` }),
  };
}

export function evaluateTargets(rows: readonly RunRow[]): TargetRow[] {
  return targetSpecs().map((spec) => evaluate(rows, spec));
}

/** The largest RSS of each system over the runs it served. */
export function rssBySystem(rows: readonly RunRow[]): Array<{ system: string; rssMb: number; run: string }> {
  const worst = new Map<string, RunRow>();
  for (const row of rows) {
    if (row.rssMb === undefined) continue;
    const known = worst.get(row.system);
    if (!known || row.rssMb > known.rssMb!) worst.set(row.system, row);
  }
  return [...worst.values()].map((row) => ({ system: row.system, rssMb: row.rssMb!, run: row.id }));
}

/** Each credential check at the default `info` logging against the same check at `warn`. */
export function loggingCost(rows: readonly RunRow[]): Array<{
  run: string;
  operation: string;
  rpsDefault: number;
  rpsWarn: number;
  cpuDefault: number | undefined;
  cpuWarn: number | undefined;
}> {
  return rows.flatMap((row) => {
    if (!row.system.endsWith('-warn') || row.status !== 'ok' || row.rps === undefined) return [];
    const op = row.id.split('/')[1] ?? '';
    const byDefault = find(rows, `${row.system.slice(0, -'-warn'.length)}/${op}`);
    if (byDefault?.status !== 'ok' || byDefault.rps === undefined) return [];
    return [
      {
        run: byDefault.id,
        operation: row.operation,
        rpsDefault: byDefault.rps,
        rpsWarn: row.rps,
        cpuDefault: byDefault.cpuUsPerRequest,
        cpuWarn: row.cpuUsPerRequest,
      },
    ];
  });
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

function table(header: string[], body: string[][], rightAligned: Set<number>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => pad(c, widths[i]!, rightAligned.has(i))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (rightAligned.has(i) ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

const num = (value: number | undefined, digits = 0) => (value === undefined ? '—' : value.toFixed(digits));

function ratioText(ratios: Record<string, number> | undefined): string {
  if (!ratios) return '';
  const names: Record<string, string> = {
    ceiling: 'ceiling',
    'better-auth': 'better-auth',
    argon2id: 'raw argon2id',
    warn: 'at warn',
  };
  return Object.entries(ratios)
    .map(([key, value]) => `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}× ${names[key] ?? key}`)
    .join(', ');
}

/** The results as Markdown tables (the same text goes to the terminal and into docs/performance.md). */
export function formatReport(rows: readonly RunRow[], targets: readonly TargetRow[]): string {
  const runs = table(
    [
      'system',
      'operation',
      'req/s',
      'p50 ms',
      'p99 ms',
      'errors',
      'RSS MB',
      'CPU µs/req',
      'loop µs/req',
      'steal %',
      'ratio',
      'reference beside it',
      'status',
    ],
    rows.map((r) => [
      r.system,
      r.operation,
      num(r.rps),
      num(r.p50, 1),
      num(r.p99, 1),
      r.errors === undefined ? '—' : String(r.errors),
      num(r.rssMb),
      num(r.cpuUsPerRequest),
      num(r.loopUsPerRequest),
      num(r.stealPercent, 1),
      ratioText(r.ratios),
      r.beside ? `${r.beside.id}: ${num(r.beside.rps)} req/s, ${num(r.beside.cpuUsPerRequest)} µs/req` : '',
      `${r.status === 'ok' ? 'ok' : `${r.status}${r.note ? `: ${r.note}` : ''}`}${
        r.attempts ? ` (least steal of ${r.attempts} attempts${r.stolen ? ', all above the limit' : ''})` : ''
      }`,
    ]),
    new Set([2, 3, 4, 5, 6, 7, 8, 9]),
  );
  const goals = table(
    ['target', 'measured', 'CPU µs/req (this vs reference)', 'by CPU', 'verdict'],
    targets.map((t) => [
      t.target,
      t.measured,
      t.cpu ?? '',
      t.byCpu ?? '',
      `${t.verdict === 'n/a' ? 'n/a' : t.verdict.toUpperCase()}${t.note ? ` (${t.note})` : ''}`,
    ]),
    new Set([1, 2, 3]),
  );
  const logging = loggingCost(rows);
  const loggingTable =
    logging.length === 0
      ? ''
      : `\nWhat the default logging (\`info\`: one access-log line per request) costs, against the same server at \`warn\`:\n\n${table(
          [
            'run',
            'req/s default',
            'req/s warn',
            'ratio',
            'CPU µs/req default',
            'CPU µs/req warn',
            'Δ CPU µs',
          ],
          logging.map((l) => [
            l.run,
            num(l.rpsDefault),
            num(l.rpsWarn),
            `${(l.rpsDefault / l.rpsWarn).toFixed(2)}×`,
            num(l.cpuDefault),
            num(l.cpuWarn),
            l.cpuDefault !== undefined && l.cpuWarn !== undefined ? `${l.cpuDefault - l.cpuWarn}` : '—',
          ]),
          new Set([1, 2, 3, 4, 5, 6]),
        )}\n`;
  const rss = table(
    ['system', 'largest RSS MB', 'during'],
    rssBySystem(rows).map((r) => [r.system, num(r.rssMb), r.run]),
    new Set([1]),
  );
  const met = targets.filter((t) => t.verdict === 'met').length;
  const missed = targets.filter((t) => t.verdict === 'missed').length;
  return (
    `${runs}\n\nTargets (issue 16; OAuth: issue 11) — ${met} met, ${missed} missed, ` +
    `${targets.length - met - missed} not measured. Verdicts are by throughput ratio, as the issues define ` +
    `them; a ratio to the ceiling or to the raw argon2id loop is to the one measured in turns with the run ` +
    `("reference beside it"). "By CPU" is the same comparison by CPU time per request (reference's over ` +
    `this one's):\n\n${goals}\n${loggingTable}\nRSS per system (largest ` +
    `VmRSS sampled during any of its runs):\n\n${rss}\n`
  );
}
