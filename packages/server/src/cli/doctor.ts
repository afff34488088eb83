import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { type Config, ConfigError, loadConfig } from '../config/load.js';
import { describeUnknown, unknownVariables } from '../config/unknown-variables.js';
import { SigningKeyStore } from '../features/signing-keys/store.js';
import { SecretBox } from '../lib/master-key.js';
import { describeDatabase } from '../storage/command-checks.js';
import { openStorage, type Storage } from '../storage/database.js';
import { pendingMigrations } from '../storage/migrate.js';

type Write = (line: string) => void;
const stdout: Write = (line) => process.stdout.write(`${line}\n`);

/** How long the database and the SMTP server get to answer before doctor calls them unreachable. */
const PROBE_TIMEOUT_MS = 5_000;

interface Report {
  ok(what: string): void;
  note(what: string): void;
  problem(what: string, fix: string): void;
}

/**
 * `gatehouse doctor`: checks the configuration, the database, the master key against the stored signing
 * keys and the mail settings, and says what to fix. Writes nothing (no database file, no master key);
 * exits 1 when something needs fixing.
 */
export async function doctor(env: Record<string, string | undefined>, write: Write = stdout): Promise<void> {
  let problems = 0;
  const report: Report = {
    ok: (what) => write(`ok       ${what}`),
    note: (what) => write(`note     ${what}`),
    problem: (what, fix) => {
      problems += 1;
      write(`PROBLEM  ${what}\n         fix: ${fix}`);
    },
  };
  const config = checkConfiguration(env, report);
  if (config) {
    const storage = await checkDatabase(config, report);
    if (storage) {
      try {
        await checkMasterKey(config, storage, report);
      } finally {
        await storage.close();
      }
    }
    await checkMail(config, report);
  }
  write(problems === 0 ? 'all good' : `${problems} problem${problems === 1 ? '' : 's'} to fix`);
  if (problems > 0) process.exitCode = 1;
}

function checkConfiguration(env: Record<string, string | undefined>, report: Report): Config | undefined {
  for (const unknown of unknownVariables(env)) {
    report.problem(
      describeUnknown(unknown),
      unknown.suggestion
        ? `rename it to ${unknown.suggestion}`
        : 'remove it, or see docs/configuration.md for the variables there are',
    );
  }
  try {
    const config = loadConfig(env);
    report.ok(`configuration (public URL ${config.publicUrl.origin}, port ${config.port})`);
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    report.problem(
      `configuration: ${error.message}`,
      `set ${error.variable} as docs/configuration.md describes`,
    );
    return undefined;
  }
}

async function checkDatabase(config: Config, report: Report): Promise<Storage | undefined> {
  const name = describeDatabase(config.database);
  const { database } = config;
  if (database.kind === 'sqlite' && database.path !== ':memory:' && !existsSync(database.path)) {
    report.note(`database ${name} does not exist yet: "npm start" or "gatehouse migrate" creates it`);
    return undefined;
  }
  const storage = openStorage(database);
  try {
    await withTimeout(storage.ping(), 'the database did not answer');
    const pending = await pendingMigrations(storage);
    if (pending.length > 0)
      report.note(`database ${name} lacks migrations ${pending.join(', ')}: the next start applies them`);
    else report.ok(`database ${name} answers and is up to date`);
    return storage;
  } catch (error) {
    await storage.close().catch(() => undefined);
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    report.problem(
      `database ${name} cannot be reached (${reason})`,
      'check GATEHOUSE_DATABASE_URL, and that the database server runs and accepts this user',
    );
    return undefined;
  }
}

/** The master key this configuration would use, without creating one; undefined when none exists yet. */
function configuredMasterKey(config: Config): { key: Buffer; source: string } | undefined {
  if (config.masterKey)
    return { key: Buffer.from(config.masterKey, 'base64url'), source: 'GATEHOUSE_MASTER_KEY' };
  const file = join(config.dataDir, 'master.key');
  if (!existsSync(file)) return undefined;
  return { key: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url'), source: file };
}

async function checkMasterKey(config: Config, storage: Storage, report: Report): Promise<void> {
  const rows = await new SigningKeyStore(storage.db).listUsable(Date.now()).catch(() => []);
  const master = configuredMasterKey(config);
  if (!master) {
    if (rows.length === 0)
      report.note(`no master key yet: the first start writes ${join(config.dataDir, 'master.key')}`);
    else
      report.problem(
        `the database holds ${rows.length} sealed signing key(s) but there is no master key`,
        `set GATEHOUSE_MASTER_KEY to the key they were sealed with, or restore ${join(config.dataDir, 'master.key')}`,
      );
    return;
  }
  const box = new SecretBox(master.key);
  const sealedWithOther = rows.filter((row) => {
    try {
      box.open(row.private_jwk_sealed);
      return false;
    } catch {
      return true;
    }
  });
  if (sealedWithOther.length === 0) {
    report.ok(
      `master key (${master.source}) opens ${rows.length === 0 ? 'every stored key (none yet)' : `all ${rows.length} signing key(s)`}`,
    );
    return;
  }
  report.problem(
    `the master key from ${master.source} does not open signing key(s) ${sealedWithOther.map((r) => r.kid).join(', ')}`,
    master.source === 'GATEHOUSE_MASTER_KEY'
      ? 'set GATEHOUSE_MASTER_KEY to the key the server was started with (or unset it to use data/master.key)'
      : 'set GATEHOUSE_MASTER_KEY to the key the server was started with',
  );
}

async function checkMail(config: Config, report: Report): Promise<void> {
  const { mail } = config;
  if (mail.delivery === 'log') {
    report.note('e-mail: no GATEHOUSE_SMTP_URL, so messages are written to the log (development only)');
    return;
  }
  if (mail.delivery === 'off') {
    report.problem(
      'e-mail is off: password reset, verification and invitations are unavailable',
      'set GATEHOUSE_SMTP_URL (smtp://host:25 or smtps://user:pass@host)',
    );
    return;
  }
  const transport = createTransport(mail.smtpUrl);
  try {
    await withTimeout(transport.verify(), 'the SMTP server did not answer');
    report.ok(`e-mail: the SMTP server accepts a connection (sender ${mail.from})`);
  } catch (error) {
    // Never print the URL: it may hold the SMTP password.
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    report.problem(`e-mail: cannot reach the SMTP server (${reason})`, 'check GATEHOUSE_SMTP_URL');
  } finally {
    transport.close();
  }
}

async function withTimeout<T>(work: Promise<T>, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), PROBE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
