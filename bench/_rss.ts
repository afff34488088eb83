import { hash } from '@node-rs/argon2';
import { gatehouseCookie, gatehouseApiToken } from './credentials.js';
import { runLoad } from './load.js';
import { ARGON2ID, SEED_PASSWORD } from './seed.js';
import { residentMb, startServer, RssSampler } from './servers.js';
const passwordHash = await hash(SEED_PASSWORD, ARGON2ID);
const flags = process.argv.slice(2);
const s = await startServer('gh', 'gatehouse.mjs', { env: { BENCH_USERS: '10000', BENCH_PASSWORD_HASH: passwordHash, GATEHOUSE_MASTER_KEY: 'a'.repeat(43), GATEHOUSE_LOG_LEVEL: 'warn', GATEHOUSE_SIGNIN_RATE_PER_MINUTE: '100000' }, logDir: '/tmp', nodeFlags: flags });
console.log('ready', residentMb(s.pid)?.toFixed(0));
const cookie = await gatehouseCookie(s.origin, 0);
console.log('after sign-in', residentMb(s.pid)?.toFixed(0));
for (const [name, headers] of [['cookie', { cookie }], ['api-key', { 'x-api-key': await gatehouseApiToken(s.origin, cookie) }]] as const) {
  const sampler = new RssSampler(() => [s.pid]);
  const r = await runLoad({ origin: s.origin, method: 'GET', path: '/api/me', headers, connections: 10, warmup: 2, duration: 6 });
  console.log(name, Math.round(r.rps), 'rps; max RSS', sampler.stop().get(s.pid)?.toFixed(0), 'now', residentMb(s.pid)?.toFixed(0));
}
await s.stop();
