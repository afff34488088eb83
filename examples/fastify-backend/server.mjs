// A Fastify backend on the same site as Gatehouse that trusts Gatehouse's cookie session: the browser
// sends it the session cookie (same host, any port), and the backend asks Gatehouse who it belongs to.
import { createGatehouseBackend, gatehouseFastify } from '@gatehouse/backend';
import Fastify from 'fastify';

const port = Number(process.env.PORT ?? 4001);
const gatehouse = createGatehouseBackend({ appUrl: process.env.GATEHOUSE_URL ?? 'http://localhost:3000' });
const app = Fastify();

app.get('/profile', { preHandler: gatehouseFastify(gatehouse) }, async (request) => ({
  id: request.gatehouse.userId,
  email: request.gatehouse.email,
  roles: request.gatehouse.roles,
}));
app.get('/admin', { preHandler: gatehouseFastify(gatehouse, { roles: ['admin'] }) }, async () => ({
  secret: 'only admins see this',
}));
await app.listen({ port, host: process.env.HOST ?? 'localhost' });
console.log(`fastify backend on http://localhost:${port}`);
