/** The ceiling: Fastify's hello-world with no logger, the fastest any Fastify route can answer here. */
import Fastify from 'fastify';
import { announce, onShutdown } from './common.mjs';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: 0, host: '127.0.0.1' });
announce(app.server);
onShutdown(() => app.close());
