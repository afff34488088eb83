import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import autocannon from 'autocannon';

if (process.env.FLAG) v8.setFlagsFromString(process.env.FLAG);
const rss = () =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))[1]) / 1024);
const sp = () =>
  v8
    .getHeapSpaceStatistics()
    .filter((s) => ['new_space', 'old_space'].includes(s.space_name))
    .map(
      (s) =>
        `${s.space_name} ${(s.space_size / 1048576).toFixed(1)}/${(s.physical_space_size / 1048576).toFixed(1)} used ${(s.space_used_size / 1048576).toFixed(1)}`,
    )
    .join(' ');
const { buildApp, loadConfig } = await import(`/work/wt/perf-memory/packages/server/dist-exp/app.js`);
const dir = (await import('node:fs')).mkdtempSync('/tmp/pm/bd-');
const app = await buildApp(
  loadConfig({
    GATEHOUSE_DATABASE_URL: `${dir}/g.db`,
    GATEHOUSE_MASTER_KEY: (await import('node:crypto')).randomBytes(32).toString('base64'),
  }),
  { logger: false },
);
await app.listen({ port: 0, host: '127.0.0.1' });
const url = `http://127.0.0.1:${app.server.address().port}${process.env.PATHX ?? '/health'}`;
console.log('listening', rss(), sp());
for (let i = 0; i < 3; i++) {
  const r = await autocannon({ url, connections: 10, duration: 4 });
  console.log(`after ${r.requests.total} req`, rss(), sp());
}
await app.close();
