/**
 * `npm run bench -- --write-docs`: replaces the results section of docs/performance.md, between its two
 * marker comments, with this run (the table, the targets met or missed, the cost of the default logging,
 * RSS per system, and the change against the previous recorded run). Everything outside the markers is
 * prose that people maintain.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export const RESULTS_START = '<!-- bench:results:start (written by `npm run bench -- --write-docs`) -->';
export const RESULTS_END = '<!-- bench:results:end -->';

/** Rewrites the delimited section of `file`; throws when the markers are missing or out of order. */
export function writeResultsSection(file: string, body: string): void {
  const text = readFileSync(file, 'utf8');
  const start = text.indexOf(RESULTS_START);
  const end = start < 0 ? -1 : text.indexOf(RESULTS_END, start);
  if (start < 0 || end < 0)
    throw new Error(`${file} has no results section: add the lines\n${RESULTS_START}\n${RESULTS_END}`);
  const updated = `${text.slice(0, start + RESULTS_START.length)}\n\n${body.trim()}\n\n${text.slice(end)}`;
  writeFileSync(file, updated);
}
