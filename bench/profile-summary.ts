/**
 * Reads a V8 .cpuprofile (from `npm run bench -- --profile`) and prints where the event loop's busy time
 * went (idle samples left out): inclusive time by function (a function and everything it called) and self
 * time by package, so a hot path can be read without opening DevTools. docs/performance.md quotes these.
 *
 *   npx tsx bench/profile-summary.ts bench/results/profiles/<file>.cpuprofile [top=30] [filter regexp]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, topArg, filterArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [top] [filter]\n');
  process.exit(2);
}
const top = Number(topArg ?? 30);
const filter = filterArg ? new RegExp(filterArg) : undefined;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

const selfTime = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) {
  selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
}

/** `fastify`, `@fastify/cookie`, `gatehouse:<path>`, `node:<module>` or `(native / V8)`. */
function owner(url: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return url;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const server = url.indexOf('/packages/server/');
  return server >= 0 ? `gatehouse:${url.slice(server + '/packages/server/'.length)}` : url;
}

/** `jwtVerify  jose/dist/webapi/jwt/verify.js:4`, `verify  gatehouse:dist/features/sessions/service.js:42`. */
function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const modules = url.lastIndexOf('/node_modules/');
  const where = modules >= 0 ? url.slice(modules + '/node_modules/'.length) : owner(url);
  return `${functionName || '(anonymous)'}  ${where}${url ? `:${lineNumber + 1}` : ''}`;
}

let busy = 0;
const inclusive = new Map<string, number>();
const byOwner = new Map<string, number>();
for (const [id, time] of selfTime) {
  const node = byId.get(id);
  if (!node || node.callFrame.functionName === '(idle)') continue;
  busy += time;
  const where = owner(node.callFrame.url);
  byOwner.set(where, (byOwner.get(where) ?? 0) + time);
  // Each function on the sampled stack gets the sample once, however often it recurses.
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const key = label(byId.get(at)!);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + time);
  }
}

const percent = (time: number) => `${((100 * time) / busy).toFixed(1).padStart(5)}%`;
function print(title: string, entries: Map<string, number>): void {
  process.stdout.write(`\n${title}\n`);
  const rows = [...entries].filter(([name]) => !filter || filter.test(name)).sort((a, b) => b[1] - a[1]);
  for (const [name, time] of rows.slice(0, top)) process.stdout.write(`${percent(time)}  ${name}\n`);
}
process.stdout.write(`${file}: ${(busy / 1e6).toFixed(1)} s of busy samples (idle left out)\n`);
print('self time by package / file', byOwner);
print('inclusive time by function', inclusive);
