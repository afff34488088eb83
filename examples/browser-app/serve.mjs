// A static browser app on its own origin (http://localhost:5173) that signs in to Gatehouse with a
// cookie session through the SDK. Run Gatehouse with GATEHOUSE_ALLOWED_ORIGINS=http://localhost:5173.
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const port = Number(process.env.PORT ?? 5173);
const gatehouseUrl = process.env.GATEHOUSE_URL ?? 'http://localhost:3000';
const here = dirname(fileURLToPath(import.meta.url));
// The SDK as the package ships it (ESM files in dist/), served under /sdk/.
const sdkDist = dirname(fileURLToPath(import.meta.resolve('@gatehouse/sdk')));
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };

createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://x').pathname;
  if (path === '/config.js') {
    response.writeHead(200, { 'content-type': types['.js'] });
    return response.end(`export const gatehouseUrl = ${JSON.stringify(gatehouseUrl)};\n`);
  }
  const [root, file] = path.startsWith('/sdk/')
    ? [sdkDist, path.slice(5)]
    : [here, path === '/' ? 'index.html' : path.slice(1)];
  const full = normalize(join(root, file));
  if (!full.startsWith(root) || !existsSync(full) || !(extname(full) in types)) {
    response.writeHead(404).end('not found');
    return;
  }
  response.writeHead(200, { 'content-type': types[extname(full)] });
  createReadStream(full).pipe(response);
}).listen(port, () => console.log(`browser app on http://localhost:${port} (Gatehouse at ${gatehouseUrl})`));
