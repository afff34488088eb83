import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaults } from '../src/config/defaults.js';

const root = join(import.meta.dirname, '../../..');
const variables = (text: string) => new Set(text.match(/GATEHOUSE_[A-Z0-9_]+[A-Z0-9]/g) ?? []);
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const configSource = ['defaults.ts', 'load.ts']
  .map((f) => read(`packages/server/src/config/${f}`))
  .join('\n');
const docs = read('docs/configuration.md');

/** `sessionIdleTtl` → `GATEHOUSE_SESSION_IDLE_TTL`. */
const variableOf = (key: string) => `GATEHOUSE_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}`;

/** The docs' tables: variable → the default cell as written. */
const documentedDefaults = new Map(
  [...docs.matchAll(/^\| `(GATEHOUSE_[A-Z0-9_]+)` \| ([^|]+) \|/gm)].map((m) => [m[1]!, m[2]!.trim()]),
);

describe('docs/configuration.md', () => {
  it('documents every variable the configuration reads, and no variable it does not', () => {
    const source = variables(configSource);
    const documented = variables(docs);
    expect(source.size).toBeGreaterThan(20);
    expect([...source].filter((v) => !documented.has(v))).toEqual([]);
    expect([...documented].filter((v) => !source.has(v))).toEqual([]);
  });

  // Issue 9 item 17: the defaults file holds only what is read, and the docs show its values.
  it('shows the default of every entry of defaults.ts, with the same value', () => {
    const shown = Object.entries(defaults).map(([key]) => {
      const cell = documentedDefaults.get(variableOf(key)) ?? '(not documented)';
      return [variableOf(key), cell.match(/^`([^`]*)`/)?.[1] ?? cell];
    });
    expect(Object.fromEntries(shown)).toEqual(
      Object.fromEntries(Object.entries(defaults).map(([key, value]) => [variableOf(key), String(value)])),
    );
  });

  it('has a defaults.ts entry for every variable documented with a fixed default', () => {
    // A fixed default is one literal, optionally glossed: `1800` (30 min). Computed ones read otherwise.
    const fixed = [...documentedDefaults]
      .filter(([, cell]) => /^`[^`$]*`( \([^)]*\))?$/.test(cell))
      .map(([variable]) => variable);
    const keys = new Set(Object.keys(defaults).map(variableOf));
    expect(fixed.length).toBeGreaterThan(20);
    expect(fixed.filter((variable) => !keys.has(variable))).toEqual([]);
  });

  it('reads every entry of defaults.ts', () => {
    const load = read('packages/server/src/config/load.ts');
    expect(Object.keys(defaults).filter((key) => !load.includes(`defaults.${key}`))).toEqual([]);
  });
});
