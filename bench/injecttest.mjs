import v8 from 'node:v8';

if (process.env.V8FLAG) v8.setFlagsFromString(process.env.V8FLAG);
const { buildApp, loadConfig } = await import(`/work/wt/perf-memory/packages/server/dist-exp/app.js`);
const dir = (await import('node:fs')).mkdtempSync('/tmp/pm/bd-');
const app = await buildApp(
  loadConfig({
    GATEHOUSE_DATABASE_URL: `${dir}/g.db`,
    GATEHOUSE_MASTER_KEY: (await import('node:crypto')).randomBytes(32).toString('base64'),
    GATEHOUSE_ADMIN_EMAIL: 'a@example.test',
    GATEHOUSE_ADMIN_PASSWORD: 'correct horse battery',
    GATEHOUSE_SIGNUP: 'open',
  }),
  { logger: false },
);
await app.gatehouse.accounts.createUser({ email: 'u@example.test', password: 'correct horse battery' });
const res = await app.inject({
  method: 'POST',
  url: '/api/signin',
  payload: { username: 'u@example.test', password: 'correct horse battery' },
});
const cookie = res.headers['set-cookie'].split(';')[0];
const run = async (n) => {
  for (let i = 0; i < n; i++) {
    const r = await app.inject({ method: 'GET', url: '/api/me', headers: { cookie } });
    if (r.statusCode !== 200) throw new Error(r.statusCode);
  }
};
await run(5000);
let gcTime = 0;
const { PerformanceObserver } = await import('node:perf_hooks');
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcTime += e.duration;
});
obs.observe({ entryTypes: ['gc'] });
const c0 = process.cpuUsage();
const N = 20000;
await run(N);
const c = process.cpuUsage(c0);
await new Promise((r) => setTimeout(r, 100));
console.log(
  process.env.V8FLAG ?? 'default',
  'cpu µs/req',
  ((c.user + c.system) / N).toFixed(1),
  'gc ms/1000 req',
  ((gcTime / N) * 1000).toFixed(1),
  'rss',
  Math.round(process.memoryUsage().rss / 1048576),
);
await app.close();
