import { setFlagsFromString } from 'node:v8';

/**
 * Asks V8 to favour memory over speed in sizing the heap from here on: after each full collection it lets
 * the old generation grow by less before the next one, and shrinks the young generation when little
 * survives it. Without it the old space sat at ~30 MB for ~20 MB live. Set at run time on purpose: as a
 * command-line flag, `--optimize-for-size` also caps the young generation at 1 MiB per semi-space when the
 * process starts (+10–20% CPU per request, measured), whereas V8 reads it here at every collection and the
 * young generation's maximum stays `npm start`'s (docs/performance.md, "Sixth round, memory": ~3 MB less
 * RSS under every load of the bench, CPU per request within its noise; deployment.md#memory).
 */
export function preferSmallHeap(): void {
  setFlagsFromString('--optimize-for-size');
}
