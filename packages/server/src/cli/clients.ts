import { buildApp } from '../app.js';
import type { Config } from '../config/load.js';
import { type ClientInput, clientView, type OAuthClient } from '../features/oauth/clients/service.js';

type Write = (line: string) => void;

const stdout: Write = (line) => process.stdout.write(`${line}\n`);

/** The flags of `gatehouse clients create|update`, as parsed by main.ts. */
export interface ClientFlags {
  name?: string | undefined;
  redirectUris?: string[] | undefined;
  grants?: string[] | undefined;
  scope?: string | undefined;
  resources?: string[] | undefined;
  public?: boolean | undefined;
  trusted?: boolean | undefined;
  native?: boolean | undefined;
  accessTokenTtl?: number | undefined;
  refreshTokenTtl?: number | undefined;
  idTokenAlg?: string | undefined;
  json?: boolean | undefined;
}

export const CLIENT_ACTIONS = new Set(['create', 'list', 'show', 'update', 'delete', 'rotate-secret']);

function input(flags: ClientFlags, creating: boolean): ClientInput {
  const fields: ClientInput = {};
  if (flags.name !== undefined) fields.name = flags.name;
  if (flags.redirectUris?.length) fields.redirectUris = flags.redirectUris;
  if (flags.grants?.length) fields.grantTypes = flags.grants;
  if (flags.scope !== undefined) fields.scope = flags.scope;
  if (flags.resources?.length) fields.resources = flags.resources;
  // Boolean flags only ever switch on; on update, an absent flag leaves the setting alone.
  if (flags.public || creating) fields.public = flags.public === true;
  if (flags.trusted || creating) fields.trusted = flags.trusted === true;
  if (flags.native) fields.applicationType = 'native';
  if (flags.accessTokenTtl !== undefined) fields.accessTokenTtl = flags.accessTokenTtl;
  if (flags.refreshTokenTtl !== undefined) fields.refreshTokenTtl = flags.refreshTokenTtl;
  if (flags.idTokenAlg !== undefined) fields.idTokenSignedResponseAlg = flags.idTokenAlg;
  return fields;
}

function describe(client: OAuthClient, write: Write): void {
  const view = clientView(client);
  write(`client_id      ${view.client_id}`);
  write(`name           ${view.name}`);
  write(
    `type           ${view.public ? 'public' : 'confidential'} ${view.application_type}${view.trusted ? ', trusted (no consent page)' : ''}`,
  );
  write(`redirect URIs  ${view.redirect_uris.join(' ') || '-'}`);
  write(`grants         ${view.grant_types.join(' ')}`);
  write(`scope          ${view.scope || '-'}`);
  write(`resources      ${view.resources.join(' ') || '-'}`);
  write(`ID tokens      ${view.id_token_signed_response_alg}`);
}

/** Prints a secret once: scripts read `--json`, people read the warning. */
function printSecret(
  client: OAuthClient,
  secret: string | undefined,
  flags: ClientFlags,
  write: Write,
): void {
  if (flags.json) {
    write(JSON.stringify({ client_id: client.id, ...(secret !== undefined && { client_secret: secret }) }));
    return;
  }
  describe(client, write);
  if (secret !== undefined) {
    write(`client_secret  ${secret}`);
    write('Store the secret now: it is shown only once.');
  }
}

/**
 * `gatehouse clients create|list|show|update|delete|rotate-secret`: OAuth client registration from the
 * command line, against the configured database (running instances hear of changes over the bus).
 */
export async function clientsCommand(
  config: Config,
  action: string,
  id: string | undefined,
  flags: ClientFlags,
  write: Write = stdout,
): Promise<void> {
  const app = await buildApp({ ...config, logLevel: 'silent' }, { logger: false });
  const { oauth } = app.gatehouse;
  const needId = () => {
    if (!id) throw new Error(`usage: gatehouse clients ${action} <client_id>`);
    return id;
  };
  try {
    if (action === 'create') {
      const { client, secret } = await oauth.clients.create(input(flags, true));
      printSecret(client, secret, flags, write);
    } else if (action === 'list') {
      const clients = await oauth.clients.list();
      if (flags.json) write(JSON.stringify(clients.map(clientView)));
      else
        for (const client of clients)
          write(`${client.id}  ${client.public ? 'public      ' : 'confidential'}  ${client.name}`);
    } else if (action === 'show') {
      const client = await oauth.clients.get(needId());
      if (flags.json) write(JSON.stringify(clientView(client)));
      else describe(client, write);
    } else if (action === 'update') {
      const client = await oauth.clients.update(needId(), input(flags, false));
      if (flags.json) write(JSON.stringify(clientView(client)));
      else describe(client, write);
    } else if (action === 'delete') {
      await oauth.deleteClient(needId());
      write(`deleted client ${id}; its tokens no longer work`);
    } else if (action === 'rotate-secret') {
      const { client, secret } = await oauth.clients.rotateSecret(needId());
      printSecret(client, secret, flags, write);
    }
  } finally {
    await app.close();
  }
}
