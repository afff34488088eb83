#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { CLIENT_ACTIONS, clientsCommand } from './cli/clients.js';
import { listKeysCommand, rotateKeysCommand } from './cli/keys.js';
import { migrate } from './cli/migrate.js';
import { PROVIDER_ACTIONS, type ProviderAction, providersCommand } from './cli/providers.js';
import { start } from './cli/start.js';
import { userAdminCommand } from './cli/user-admin.js';
import { createUserCommand, readPassword, resolveUserId } from './cli/users.js';

const USER_ACTIONS = new Set(['list', 'show', 'disable', 'enable', 'delete', 'set-password', 'reset-link']);

import { ConfigError, loadConfig } from './config/load.js';
import { describeUnknown, unknownVariables } from './config/unknown-variables.js';
import { AppError } from './lib/errors.js';
import { describeDatabase } from './storage/command-checks.js';

const USAGE = `usage: gatehouse <command>

  start                                   run the server
  migrate                                 apply database migrations and exit
  users create <email> [--admin] [--password-stdin]
                                          create an account
  users list [--search TEXT] [--limit N] [--offset N]
  users show|disable|enable <email or id>
  users delete <email or id> [--delete-workspaces | --transfer-to <email or id>]
                                          refused while the user is a workspace's last owner, unless told
  users set-password <email or id> [--password-stdin]
                                          set a password; every session of the user ends
  users reset-link <email or id>          print a one-time password-reset link (recovers the first admin)
  keys rotate                             new signing keys; old ones verify for GATEHOUSE_KEY_ROTATION_GRACE
  keys list                               stored signing keys and their state
  clients create --name NAME --redirect-uri URI [--redirect-uri URI…] [--grant TYPE…] [--scope "SCOPES"]
                 [--resource URI…] [--public] [--trusted] [--native] [--access-token-ttl S]
                 [--id-token-alg RS256|ES256|EdDSA] [--json]
                                          register an OAuth client; prints its secret once
  clients list|show <client_id> [--json]
  clients update <client_id> [the create flags]
  clients delete <client_id>              the client and every token issued to it
  clients rotate-secret <client_id> [--json]
                                          a new secret; the old one stops working at once
  providers list                          configured social login providers
  providers set <name> --client-id <id> --client-secret-stdin [--issuer <url>]
      [--authorization-endpoint <url> --token-endpoint <url> --userinfo-endpoint <url>]
      [--scope "<scopes>"] [--display-name <text>] [--no-auto-register]
      --return-origin <origin> [--return-origin <origin>...] [--enable]
                                          create or change a provider (google, github, facebook,
                                          linkedin, or a generic OpenID Connect one by --issuer)
  providers enable|disable|delete <name>
  doctor                                  check the configuration, database, master key and mail; say what to fix
  help                                    this text

Configuration comes from GATEHOUSE_* environment variables (docs/configuration.md).`;

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      admin: { type: 'boolean', default: false },
      'password-stdin': { type: 'boolean', default: false },
      search: { type: 'string' },
      limit: { type: 'string' },
      offset: { type: 'string' },
      'delete-workspaces': { type: 'boolean', default: false },
      'transfer-to': { type: 'string' },
      name: { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      grant: { type: 'string', multiple: true },
      resource: { type: 'string', multiple: true },
      public: { type: 'boolean', default: false },
      trusted: { type: 'boolean', default: false },
      native: { type: 'boolean', default: false },
      'access-token-ttl': { type: 'string' },
      'refresh-token-ttl': { type: 'string' },
      'id-token-alg': { type: 'string' },
      json: { type: 'boolean', default: false },
      'client-id': { type: 'string' },
      'client-secret-stdin': { type: 'boolean', default: false },
      issuer: { type: 'string' },
      'authorization-endpoint': { type: 'string' },
      'token-endpoint': { type: 'string' },
      'userinfo-endpoint': { type: 'string' },
      scope: { type: 'string' },
      'display-name': { type: 'string' },
      'return-origin': { type: 'string', multiple: true },
      'no-auto-register': { type: 'boolean', default: false },
      enable: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (command !== 'start') endQuietlyWhenTheReaderLeaves();
  // With no command, say what there is: starting a server by accident is a surprise, not a default.
  if (values.help || command === undefined || command === 'help')
    return void process.stdout.write(`${USAGE}\n`);
  // Loaded only for its command: it brings nodemailer (to check SMTP), which `start` loads at the first e-mail.
  if (command === 'doctor') return (await import('./cli/doctor.js')).doctor(process.env);
  const config = loadConfig();
  for (const unknown of unknownVariables()) process.stderr.write(`gatehouse: ${describeUnknown(unknown)}\n`);
  if (command === 'start') return start(config);
  // Every other command says which database it used (stderr, so its output stays parseable).
  process.stderr.write(`gatehouse: database ${describeDatabase(config.database)}\n`);
  if (command === 'migrate') return migrate(config);
  if (command === 'users' && rest[0] === 'create' && rest[1]) {
    return createUserCommand(config, rest[1], {
      admin: values.admin,
      passwordStdin: values['password-stdin'],
    });
  }
  if (command === 'users' && rest[0] && USER_ACTIONS.has(rest[0])) {
    const transferTo = values['transfer-to'];
    let password: string | undefined;
    if (rest[0] === 'set-password') password = await readPassword(values['password-stdin']);
    return userAdminCommand(config, rest[0], rest[1], {
      search: values.search,
      limit: values.limit === undefined ? undefined : Number(values.limit),
      offset: values.offset === undefined ? undefined : Number(values.offset),
      password,
      soleOwned: values['delete-workspaces']
        ? { action: 'delete' }
        : transferTo
          ? { action: 'transfer', to: (await resolveUserId(config, transferTo)) ?? transferTo }
          : { action: 'refuse' },
    });
  }
  if (command === 'clients' && rest[0] && CLIENT_ACTIONS.has(rest[0])) {
    const seconds = (value: string | undefined) => (value === undefined ? undefined : Number(value));
    return clientsCommand(config, rest[0], rest[1], {
      name: values.name,
      redirectUris: values['redirect-uri'],
      grants: values.grant,
      scope: values.scope,
      resources: values.resource,
      public: values.public,
      trusted: values.trusted,
      native: values.native,
      accessTokenTtl: seconds(values['access-token-ttl']),
      refreshTokenTtl: seconds(values['refresh-token-ttl']),
      idTokenAlg: values['id-token-alg'],
      json: values.json,
    });
  }
  if (command === 'providers' && rest[0] && PROVIDER_ACTIONS.has(rest[0])) {
    return providersCommand(config, rest[0] as ProviderAction, rest[1], {
      clientId: values['client-id'],
      clientSecret: values['client-secret-stdin'] ? await readPassword(true) : undefined,
      issuer: values.issuer,
      authorizationEndpoint: values['authorization-endpoint'],
      tokenEndpoint: values['token-endpoint'],
      userinfoEndpoint: values['userinfo-endpoint'],
      scopes: values.scope,
      displayName: values['display-name'],
      returnOrigins: values['return-origin'],
      autoRegister: values['no-auto-register'] ? false : undefined,
      enabled: values.enable ? true : undefined,
    });
  }
  if (command === 'keys' && rest[0] === 'rotate') return rotateKeysCommand(config);
  if (command === 'keys' && rest[0] === 'list') return listKeysCommand(config);
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = 2;
}

/**
 * `gatehouse users reset-link … | head -n 1`: once the reader has what it wants and closes the pipe, the
 * next write fails with EPIPE, and without a listener Node crashes with a stack trace and exit code 1. A
 * command's reader leaving early is not an error (as for any Unix tool): stop quietly. The server logs
 * through its own destination, which handles this itself (lifecycle/log-destination.ts).
 */
function endQuietlyWhenTheReaderLeaves(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(0);
  });
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError)
    process.stderr.write(`gatehouse: invalid configuration: ${error.message}\n`);
  else if (error instanceof AppError) process.stderr.write(`gatehouse: ${error.message}\n`);
  else process.stderr.write(`gatehouse: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
