// How the `gatehouse` process tunes Node.js before the server's modules load. Imported first by
// bin/gatehouse.js, and by the bench's Gatehouse (bench/servers/gatehouse.mjs), so both run the same way.
import { setFlagsFromString } from 'node:v8';

/** True when the operator chose the young generation's size (a node flag or NODE_OPTIONS). */
function youngGenerationChosen() {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)];
  return flags.some((flag) => /^--(max-semi-space-size|semi-space-growth-factor)\b/.test(flag));
}

// V8's young generation starts at 1 MiB per semi-space and grows to 16 MiB (32 MiB resident) as soon as
// start-up allocates a little, then stays there: a quarter of an idle server's memory. Request garbage dies
// young whatever its size, so the server keeps it at its initial size; docs/deployment.md, "Memory".
// V8 reads this flag at every scavenge, so setting it now, before the modules load, takes effect (the size
// flags, --max-semi-space-size included, are read once when the heap is set up: too late from here).
if (!youngGenerationChosen()) setFlagsFromString('--semi-space-growth-factor=1');
