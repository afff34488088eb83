import { runLoad } from './load.js';
import { cpuSeconds, startServer } from './servers.js';
const variants = process.argv.slice(2);
for (let round = 0; round < 2; round++) for (const variant of variants) {
  const s = await startServer(variant, '../results/exp/variant.mjs', { env: { VARIANT: variant }, logDir: '/tmp' });
  let c0 = 0;
  const r = await runLoad({ origin: s.origin, method: 'GET', path: '/', headers: {}, connections: 10, warmup: 2, duration: 5 }, { onMeasuring: () => { c0 = cpuSeconds(s.pid)!; } });
  const c1 = cpuSeconds(s.pid)!;
  console.log(variant.padEnd(30), Math.round(r.rps), 'rps', Math.round(((c1 - c0) * 1e6) / r.total), 'µs/req');
  await s.stop();
}
