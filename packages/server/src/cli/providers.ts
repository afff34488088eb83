import type { Config } from '../config/load.js';
import type { ProviderChanges, ProviderView } from '../features/social/providers.js';
import { openCommandApp } from './command-app.js';

type Write = (line: string) => void;

const stdout: Write = (line) => process.stdout.write(`${line}\n`);

export type ProviderAction = 'list' | 'set' | 'enable' | 'disable' | 'delete';
export const PROVIDER_ACTIONS = new Set<string>(['list', 'set', 'enable', 'disable', 'delete']);

function describe(p: ProviderView): string {
  const endpoints = p.issuer ? `issuer ${p.issuer}` : p.builtin ? 'built-in endpoints' : '-';
  return [
    p.name.padEnd(12),
    (p.enabled ? 'enabled' : 'disabled').padEnd(9),
    `client ${p.clientId}`,
    p.clientSecretSet ? 'secret set' : 'NO SECRET',
    endpoints,
    `origins ${p.returnOrigins.join(',') || '-'}`,
    `callback ${p.callbackUrl}`,
  ].join('  ');
}

/**
 * `gatehouse providers list|set|enable|disable|delete`: the same operations as the admin API, for scripts.
 * The client secret is read from stdin (`--client-secret-stdin`), never from an argument: arguments show
 * up in `ps` and shell history.
 */
export async function providersCommand(
  config: Config,
  action: ProviderAction,
  name: string | undefined,
  changes: ProviderChanges = {},
  write: Write = stdout,
): Promise<void> {
  if (action !== 'list' && !name) throw new Error(`usage: gatehouse providers ${action} <name>`);
  const app = await openCommandApp(config, action === 'list' ? 'read' : 'write');
  const { providers } = app.gatehouse.social;
  const target = name ?? '';
  try {
    if (action === 'list') {
      const all = await providers.list();
      if (all.length === 0) write('no providers configured');
      for (const p of all) write(describe(p));
    } else if (action === 'set') {
      write(describe(await providers.set(target, changes)));
    } else if (action === 'enable' || action === 'disable') {
      write(describe(await providers.set(target, { enabled: action === 'enable' })));
    } else {
      await providers.delete(target);
      write(`deleted ${target}`);
    }
  } finally {
    await app.close();
  }
}
