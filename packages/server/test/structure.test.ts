import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const src = join(import.meta.dirname, '../src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [join(dir, entry.name)]
        : [],
  );
}

/** `from '…'` specifiers of a file, resolved to paths relative to src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.[^']+)'/g)].map((m) =>
    relative(src, join(file, '..', m[1]!)).replace(/\.js$/, ''),
  );
}

/** Issue 9 item 14: the layering new features rely on, checked on the source as it is. */
describe('code structure', () => {
  it('lib/ imports nothing from context.ts or storage/: it is plain helpers', () => {
    const offending = sourceFiles(join(src, 'lib')).flatMap((file) =>
      importsOf(file)
        .filter((target) => target === 'context' || target.startsWith('storage/'))
        .map((target) => `${relative(src, file)} → ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('services.ts is only the composition root: the contracts between features live with their owner', () => {
    const text = readFileSync(join(src, 'services.ts'), 'utf8');
    const exported = [...text.matchAll(/^export (?:async )?(?:interface|type|function|const|class) (\w+)/gm)];
    expect(exported.map((m) => m[1])).toEqual(['Services', 'createServices']);
  });

  it('request data passes by request decoration, not a module-level WeakMap keyed by requests', () => {
    const offending = sourceFiles(src).filter((file) =>
      /new WeakMap<\s*FastifyRequest/.test(readFileSync(file, 'utf8')),
    );
    expect(offending.map((file) => relative(src, file))).toEqual([]);
  });

  it('identity is the shared ground: it imports no other feature', () => {
    const offending = sourceFiles(join(src, 'features/identity')).flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith('features/') && !target.startsWith('features/identity/'))
        .map((target) => `${relative(src, file)} → ${target}`),
    );
    expect(offending).toEqual([]);
  });

  it('accounts, admin and workspaces never import one another: what they share is in features/identity', () => {
    const trio = ['accounts', 'admin', 'workspaces'];
    const offending = trio.flatMap((feature) =>
      sourceFiles(join(src, 'features', feature)).flatMap((file) =>
        importsOf(file)
          .filter((target) =>
            trio.some((other) => other !== feature && target.startsWith(`features/${other}/`)),
          )
          .map((target) => `${relative(src, file)} → ${target}`),
      ),
    );
    expect(offending).toEqual([]);
  });

  it('features read the time from the injected clock (ctx.now), so tests that move time move every cache too', () => {
    const offending = sourceFiles(join(src, 'features')).filter((file) =>
      /Date\.now\(\)/.test(readFileSync(file, 'utf8')),
    );
    expect(offending.map((file) => relative(src, file))).toEqual([]);
  });

  // Issue 9 item 14: a plugin's deps object names what it uses, so a feature's reach shows in its signature.
  it('route plugins are given only the services they use: nothing under features/ or http/ imports services.ts', () => {
    const offending = [...sourceFiles(join(src, 'features')), ...sourceFiles(join(src, 'http'))].filter(
      (file) => importsOf(file).includes('services'),
    );
    expect(offending.map((file) => relative(src, file))).toEqual([]);
  });

  // Issue 9 item 16: handlers are typed by their schemas (TypeBox type provider), so nothing casts.
  it('no route handler casts request.body/params/query: their types come from the schemas', () => {
    // Hooks shared by many routes see the request before (or whatever) a route's schema says.
    const sharedHooks = [
      'features/api-tokens/authenticator.ts', // onRequest: the raw query, for the ?api_key= parameter
      'features/workspaces/guard.ts', // preHandler of every /api/workspaces/:id… route
    ];
    const casting = sourceFiles(join(src, 'features'))
      .filter((file) => !sharedHooks.includes(relative(src, file)))
      .filter((file) => /request\.(body|params|query|headers) as /.test(readFileSync(file, 'utf8')));
    expect(casting.map((file) => relative(src, file))).toEqual([]);
    const typed = sourceFiles(join(src, 'features')).filter((file) =>
      readFileSync(file, 'utf8').includes('withTypeProvider<TypeBoxTypeProvider>()'),
    );
    expect(typed.length).toBeGreaterThanOrEqual(20);
  });
});
