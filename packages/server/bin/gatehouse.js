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
await import(main.href);
