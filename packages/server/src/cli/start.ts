import { buildApp } from '../app.js';
import type { Config } from '../config/load.js';
import { bootstrapAdmin } from '../features/accounts/bootstrap.js';
import { stdoutDestination } from '../lifecycle/log-destination.js';
import { prettyStream } from '../lifecycle/pretty-log.js';
import { exitOnSignals } from '../lifecycle/shutdown.js';

/** Says at start-up where e-mail goes, so nobody waits for a message that only reached the log. */
const MAIL_LINE: Record<Config['mail']['delivery'], string> = {
  smtp: 'E-mail: sent through GATEHOUSE_SMTP_URL',
  log: 'E-mail: no GATEHOUSE_SMTP_URL, so messages (reset and verification links) are written to the log; development only',
  off: 'E-mail: off (no GATEHOUSE_SMTP_URL): password reset, e-mail verification, invitations and expiry notices are unavailable until it is set',
};

/** `gatehouse start`: migrate, create the first admin if needed, listen, and close cleanly on SIGINT/SIGTERM. */
export async function start(config: Config): Promise<void> {
  const logDestination = stdoutDestination();
  // Readable lines for a person at a terminal; JSON for files, pipes and log collectors.
  const pretty =
    config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true);
  const logStream = pretty ? prettyStream(logDestination.stream) : logDestination.stream;
  const app = await buildApp(config, { logStream });
  const admin = await bootstrapAdmin(app.gatehouse.accounts, config.admin);
  if (admin) {
    const line = admin.generatedPassword
      ? `Created the first admin ${admin.email} with password ${admin.generatedPassword} (shown once: change it after signing in)`
      : `Created the first admin ${admin.email} (password from GATEHOUSE_ADMIN_PASSWORD)`;
    process.stdout.write(`${line}\n`);
  }
  exitOnSignals(app, config.reliability.shutdownTimeout * 1000, logDestination);
  await app.listen({ port: config.port, host: config.host });
  const storage = config.database.kind === 'sqlite' ? config.database.path : 'PostgreSQL';
  process.stdout.write(`Gatehouse listening on ${config.publicUrl.origin} (database: ${storage})\n`);
  process.stdout.write(`${MAIL_LINE[config.mail.delivery]}\n`);
  app.gatehouse.sweeper.start();
}
