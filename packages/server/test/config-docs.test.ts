import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const variables = (text: string) => new Set(text.match(/GATEHOUSE_[A-Z0-9_]+[A-Z0-9]/g) ?? []);

describe('docs/configuration.md', () => {
  it('documents every variable the configuration reads, and no variable it does not', () => {
    const source = variables(
      ['defaults.ts', 'load.ts']
        .map((f) => readFileSync(join(root, 'packages/server/src/config', f), 'utf8'))
        .join('\n'),
    );
    const documented = variables(readFileSync(join(root, 'docs/configuration.md'), 'utf8'));
    expect(source.size).toBeGreaterThan(20);
    expect([...source].filter((v) => !documented.has(v))).toEqual([]);
    expect([...documented].filter((v) => !source.has(v))).toEqual([]);
  });
});
