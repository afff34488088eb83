import { loadConfig } from './load.js';

type Env = Record<string, string | undefined>;

export interface UnknownVariable {
  name: string;
  /** The known variable it most likely misspells, if one is close. */
  suggestion: string | undefined;
}

/** Variables the process reads outside loadConfig; not misspellings. */
const READ_ELSEWHERE = new Set(['GATEHOUSE_TEST_CHROMIUM']);

/**
 * `GATEHOUSE_*` variables in `env` that the configuration never reads: a misspelled variable is otherwise
 * silently ignored. The known names are the ones loadConfig asks for, recorded as it runs, so a variable a
 * feature adds is known the moment loadConfig reads it: there is no second list to keep in step.
 */
export function unknownVariables(env: Env = process.env): UnknownVariable[] {
  const read = new Set<string>(READ_ELSEWHERE);
  const recording = new Proxy(env, {
    get(target, key) {
      if (typeof key === 'string') read.add(key);
      return target[key as string];
    },
    has(target, key) {
      if (typeof key === 'string') read.add(key);
      return key in target;
    },
  });
  try {
    loadConfig(recording);
  } catch {
    // An invalid value is reported on its own (ConfigError); the names read so far still count.
  }
  const known = [...read].filter((name) => name.startsWith('GATEHOUSE_'));
  return Object.keys(env)
    .filter((name) => name.startsWith('GATEHOUSE_') && !read.has(name))
    .sort()
    .map((name) => ({ name, suggestion: nearest(name, known) }));
}

/** One line per unknown variable, for stderr or the log. */
export function describeUnknown(variable: UnknownVariable): string {
  return `unknown variable ${variable.name} is ignored${variable.suggestion ? ` (did you mean ${variable.suggestion}?)` : ''}`;
}

function nearest(name: string, known: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  // Close means a typo or two, not merely another GATEHOUSE_ variable.
  const stem = name.length - 'GATEHOUSE_'.length;
  return best && best.distance <= Math.max(2, Math.floor(stem / 3)) ? best.name : undefined;
}

/** Levenshtein distance, two rows at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
