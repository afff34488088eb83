/** The one table, the targets of issue 6 computed from it, and the JSON written under bench/results/. */
import type { SystemId } from './plan.js';

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
  /** Filled by `computeRatios`. */
  ratios?: Record<string, number>;
}

export interface TargetRow {
  target: string;
  measured: string;
  verdict: 'met' | 'missed' | 'n/a';
  note?: string;
}

const RSS_LIMIT_MB = 150;
const MIXED_P99_LIMIT_MS = 50;

function mean(values: number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Mean throughput of the ok runs whose id starts with `prefix` (repeats like fastify/hello#1..3). */
export function meanRps(rows: readonly RunRow[], prefix: string): number | undefined {
  return mean(rows.filter((r) => r.id.startsWith(prefix) && r.status === 'ok').map((r) => r.rps ?? 0));
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

export function computeRatios(rows: RunRow[]): void {
  const ceiling = meanRps(rows, 'fastify/hello');
  const argon2 = meanRps(rows, 'argon2id/raw-verify');
  for (const row of rows) {
    if (row.status !== 'ok' && row.status !== 'errors') continue;
    if (row.rps === undefined || row.system === 'fastify' || row.system === 'argon2id') continue;
    const ratios: Record<string, number> = {};
    const op = row.id.split('/')[1] ?? '';
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
    row.ratios = ratios;
  }
}

function ratioTarget(
  rows: readonly RunRow[],
  id: string,
  key: string,
  min: number,
  label: string,
): TargetRow {
  const row = find(rows, id);
  if (!row) return { target: label, measured: '—', verdict: 'n/a', note: 'not run' };
  if (row.status === 'not available' || row.status === 'failed')
    return {
      target: label,
      measured: '—',
      verdict: 'n/a',
      note: `${row.status}${row.note ? `: ${row.note}` : ''}`,
    };
  const ratio = row.ratios?.[key];
  if (ratio === undefined)
    return { target: label, measured: '—', verdict: 'n/a', note: `no ${key} run to compare with` };
  return { target: label, measured: `${ratio.toFixed(2)}×`, verdict: ratio >= min ? 'met' : 'missed' };
}

export function evaluateTargets(rows: readonly RunRow[]): TargetRow[] {
  const targets: TargetRow[] = [];
  const credentials = [
    ['me-cookie', 'cookie'],
    ['me-bearer', 'bearer'],
    ['me-api-key', 'x-api-key'],
  ] as const;
  for (const [op, name] of credentials) {
    targets.push(
      ratioTarget(
        rows,
        `gatehouse-sqlite/${op}`,
        'ceiling',
        0.6,
        `SQLite GET /api/me by ${name} ≥ 0.6 × ceiling`,
      ),
    );
    targets.push(
      ratioTarget(
        rows,
        `gatehouse-sqlite/${op}`,
        'better-auth',
        15,
        `SQLite GET /api/me by ${name} ≥ 15 × better-auth`,
      ),
    );
    targets.push(
      ratioTarget(
        rows,
        `gatehouse-postgres/${op}`,
        'ceiling',
        0.5,
        `PostgreSQL GET /api/me by ${name} ≥ 0.5 × ceiling`,
      ),
    );
  }
  targets.push(
    ratioTarget(rows, 'gatehouse-sqlite/refresh', 'ceiling', 0.1, 'SQLite refresh rotation ≥ 0.1 × ceiling'),
  );
  targets.push(
    ratioTarget(
      rows,
      'gatehouse-sqlite/signin',
      'argon2id',
      0.85,
      'SQLite password sign-in ≥ 0.85 × raw argon2id',
    ),
  );
  targets.push(
    ratioTarget(
      rows,
      'gatehouse-postgres/signin',
      'argon2id',
      0.85,
      'PostgreSQL password sign-in ≥ 0.85 × raw argon2id',
    ),
  );

  for (const database of ['sqlite', 'postgres'] as const) {
    const name = database === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    targets.push(
      ratioTarget(
        rows,
        `gatehouse-${database}/client-credentials-jwt`,
        'oidc-provider',
        2.5,
        `${name} client_credentials (JWT) ≥ 2.5 × oidc-provider`,
      ),
    );
    targets.push(
      ratioTarget(
        rows,
        `gatehouse-${database}/introspection`,
        'oidc-provider',
        2,
        `${name} introspection ≥ 2 × oidc-provider`,
      ),
    );
    for (const op of ['client-credentials-jwt', 'introspection']) {
      const row = find(rows, `gatehouse-${database}/${op}`);
      const label = `${name} ${op} p99 ≤ ${OAUTH_P99_LIMIT_MS} ms`;
      if (!row || row.p99 === undefined)
        targets.push({ target: label, measured: '—', verdict: 'n/a', note: 'not run' });
      else
        targets.push({
          target: label,
          measured: `${row.p99.toFixed(1)} ms`,
          verdict: row.p99 <= OAUTH_P99_LIMIT_MS ? 'met' : 'missed',
        });
    }
  }

  const mixed = find(rows, 'gatehouse-sqlite/mixed');
  const mixedLabel = `cookie GET /api/me p99 ≤ ${MIXED_P99_LIMIT_MS} ms while sign-ins saturate the hashers`;
  if (!mixed || mixed.p99 === undefined) {
    targets.push({ target: mixedLabel, measured: '—', verdict: 'n/a', note: mixed?.note ?? 'not run' });
  } else {
    targets.push({
      target: mixedLabel,
      measured: `${mixed.p99.toFixed(1)} ms`,
      verdict: mixed.p99 <= MIXED_P99_LIMIT_MS ? 'met' : 'missed',
    });
  }

  const rss = rows
    .filter((r) => r.system.startsWith('gatehouse') && r.rssMb !== undefined)
    .map((r) => r.rssMb!);
  const rssLabel = `Gatehouse RSS under any load ≤ ${RSS_LIMIT_MB} MB`;
  if (rss.length === 0) targets.push({ target: rssLabel, measured: '—', verdict: 'n/a', note: 'not run' });
  else {
    const max = Math.max(...rss);
    targets.push({
      target: rssLabel,
      measured: `${max.toFixed(0)} MB (max)`,
      verdict: max <= RSS_LIMIT_MB ? 'met' : 'missed',
    });
  }
  return targets;
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
  };
  return Object.entries(ratios)
    .map(([key, value]) => `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}× ${names[key] ?? key}`)
    .join(', ');
}

/** The results as Markdown tables (the same text goes to the terminal and into docs/performance.md). */
export function formatReport(rows: readonly RunRow[], targets: readonly TargetRow[]): string {
  const runs = table(
    ['system', 'operation', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'RSS MB', 'CPU µs/req', 'ratio', 'status'],
    rows.map((r) => [
      r.system,
      r.operation,
      num(r.rps),
      num(r.p50, 1),
      num(r.p99, 1),
      r.errors === undefined ? '—' : String(r.errors),
      num(r.rssMb),
      num(r.cpuUsPerRequest),
      ratioText(r.ratios),
      r.status === 'ok' ? 'ok' : `${r.status}${r.note ? `: ${r.note}` : ''}`,
    ]),
    new Set([2, 3, 4, 5, 6, 7]),
  );
  const goals = table(
    ['target', 'measured', 'verdict'],
    targets.map((t) => [t.target, t.measured, t.note ? `${t.verdict} (${t.note})` : t.verdict]),
    new Set([1]),
  );
  return `${runs}\n\n${goals}\n`;
}
