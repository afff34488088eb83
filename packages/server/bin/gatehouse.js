#!/usr/bin/env node
// The `gatehouse` command: runs the compiled server. `npm install` builds it (the root `prepare` script);
// without a build, say so instead of failing with ERR_MODULE_NOT_FOUND.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write(
    'gatehouse: the server is not built yet: run "npm install" or "npm run build" first\n',
  );
  process.exit(1);
}
// V8's heap sized for start-up before the server's modules load (lifecycle/heap-sizing.ts; docs/deployment.md,
// "Memory"); `start` sizes it for serving once it listens.
const { sizeHeapForStartUp } = await import(
  new URL('../dist/lifecycle/heap-sizing.js', import.meta.url).href
);
sizeHeapForStartUp();
await import(main.href);
