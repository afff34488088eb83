import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import type { Config } from '../config/load.js';

/**
 * The app for one command-line action, silent and never listening. `read` commands (lists, shows) write
 * nothing at all; `write` commands migrate an empty database but never create signing keys, which only
 * the server does (with its own master key).
 */
export async function openCommandApp(config: Config, mode: 'read' | 'write'): Promise<FastifyInstance> {
  return buildApp({ ...config, logLevel: 'silent' }, { logger: false, command: mode });
}

/** Runs `work` against a command app and closes it whatever happens. */
export async function withCommandApp<T>(
  config: Config,
  mode: 'read' | 'write',
  work: (app: FastifyInstance) => Promise<T>,
): Promise<T> {
  const app = await openCommandApp(config, mode);
  try {
    return await work(app);
  } finally {
    await app.close();
  }
}
