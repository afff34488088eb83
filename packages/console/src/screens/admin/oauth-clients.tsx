import type { OAuthClientConfig, OAuthClientWithSecret } from '@gatehouse/sdk/integrations';
import { useId, useState } from 'preact/hooks';
import { AdminCollection } from '../../components/admin-collection.js';
import { Button } from '../../components/button.js';
import { CopyButton } from '../../components/copy.js';
import { Dialog } from '../../components/dialog.js';
import { ActionError, Alert, Badge, Empty } from '../../components/feedback.js';
import { Checkbox, Field, SelectField } from '../../components/field.js';
import { FormActions } from '../../components/form-actions.js';
import { formatDay } from '../../lib/format.js';
import { useAction, useResource } from '../../lib/hooks.js';
import { integrations, lines } from '../../lib/integrations.js';

/** `/admin/oauth-clients`: applications that use "Sign in with Gatehouse" (the OAuth authorization server). */
export function AdminOAuthClients() {
  const clients = useResource(() => integrations.listOAuthClients(), []);
  const [secret, setSecret] = useState<OAuthClientWithSecret | null>(null);
  const rotate = useAction(async (client: OAuthClientConfig) =>
    setSecret(await integrations.rotateOAuthClientSecret(client.client_id)),
  );
  return (
    <AdminCollection
      title="OAuth clients"
      description="Applications that sign people in with this server (OAuth 2.0 / OpenID Connect)."
      addLabel="Register client"
      notice={<ActionError error={rotate.error} />}
      listTitle="Clients"
      tableLabel="OAuth clients"
      resource={clients}
      empty={<Empty title="No OAuth client yet" />}
      columns={['Client', 'Type', 'Redirect URIs', 'Created']}
      keyOf={(client) => client.client_id}
      nameOf={(client) => client.name}
      cells={(client) => (
        <>
          <td class="primary" data-label="Client">
            <span class="cell-title">{client.name}</span>
            <span class="cell-sub mono">{client.client_id}</span>
          </td>
          <td data-label="Type">
            <div class="badges">
              <Badge>{client.public ? 'Public' : 'Confidential'}</Badge>
              {client.trusted && <Badge tone="accent">First-party</Badge>}
              {client.id_token_signed_response_alg !== 'RS256' && (
                <Badge>ID tokens {client.id_token_signed_response_alg}</Badge>
              )}
            </div>
          </td>
          <td data-label="Redirect URIs">
            <span class="mono small break">{client.redirect_uris.join(' ') || '—'}</span>
          </td>
          <td data-label="Created">{formatDay(client.created_at)}</td>
        </>
      )}
      rowActions={(client) =>
        !client.public && (
          <Button small onClick={() => void rotate.run(client)}>
            Rotate secret<span class="visually-hidden"> of {client.name}</span>
          </Button>
        )
      }
      editor={{
        addTitle: 'Register an OAuth client',
        form: ({ existing, close }) => (
          <ClientForm
            existing={existing}
            onClose={close}
            onSaved={async (created) => {
              close();
              if (created) setSecret(created);
              await clients.reload();
            }}
          />
        ),
      }}
      remove={{
        message: <p>Its tokens stop working and every consent given to it goes.</p>,
        confirmLabel: 'Delete client',
        success: 'Client deleted',
        run: (client) => integrations.deleteOAuthClient(client.client_id),
      }}
    >
      <SecretDialog secret={secret} onClose={() => setSecret(null)} />
    </AdminCollection>
  );
}

/** The client ID, and the secret once (creation and rotation are the only answers that carry it). */
function SecretDialog({ secret, onClose }: { secret: OAuthClientWithSecret | null; onClose: () => void }) {
  const id = useId();
  return (
    <Dialog open={secret !== null} title="Client credentials" onClose={onClose}>
      {secret && (
        <div class="stack">
          <div class="field">
            <label for={`${id}-id`}>Client ID</label>
            <div class="secret">
              <input id={`${id}-id`} type="text" readOnly value={secret.client_id} />
              <CopyButton text={secret.client_id} inputId={`${id}-id`} label="Copy ID" />
            </div>
          </div>
          {secret.client_secret && (
            <>
              <Alert kind="warning">
                This is the only time the secret is shown. Store it in the application's secrets now.
              </Alert>
              <div class="field">
                <label for={`${id}-secret`}>Client secret</label>
                <div class="secret">
                  <input id={`${id}-secret`} type="text" readOnly value={secret.client_secret} />
                  <CopyButton text={secret.client_secret} inputId={`${id}-secret`} label="Copy secret" />
                </div>
              </div>
            </>
          )}
          <div class="row row-end">
            <Button onClick={onClose}>Done</Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

/** What the server accepts as a client's `id_token_signed_response_alg`. */
const ID_TOKEN_ALGORITHMS = ['RS256', 'ES256', 'EdDSA'] as const;
type IdTokenAlgorithm = (typeof ID_TOKEN_ALGORITHMS)[number];

/** A stored or chosen algorithm as one the form offers; anything else is the default, RS256. */
function idTokenAlgorithm(value: string | undefined): IdTokenAlgorithm {
  return ID_TOKEN_ALGORITHMS.find((algorithm) => algorithm === value) ?? 'RS256';
}

function ClientForm({
  existing,
  onClose,
  onSaved,
}: {
  existing: OAuthClientConfig | null;
  onClose: () => void;
  onSaved: (created?: OAuthClientWithSecret) => Promise<void>;
}) {
  const id = useId();
  const [form, setForm] = useState({
    name: existing?.name ?? '',
    redirectUris: existing?.redirect_uris.join('\n') ?? '',
    scope: existing?.scope ?? '',
    public: existing?.public ?? false,
    trusted: existing?.trusted ?? false,
    idTokenAlg: idTokenAlgorithm(existing?.id_token_signed_response_alg),
  });
  const save = useAction(
    async () => {
      const settings = {
        name: form.name.trim(),
        redirectUris: lines(form.redirectUris),
        ...(form.scope.trim() && { scope: form.scope.trim() }),
        trusted: form.trusted,
        idTokenSignedResponseAlg: form.idTokenAlg,
      };
      if (existing) {
        await integrations.updateOAuthClient(existing.client_id, settings);
        await onSaved();
      } else await onSaved(await integrations.createOAuthClient({ ...settings, public: form.public }));
      return true;
    },
    { success: existing ? 'Client saved' : 'Client registered' },
  );
  return (
    <form
      class="stack"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void save.run();
      }}
    >
      <ActionError error={save.error} />
      <Field
        label="Name"
        required
        hint="Shown to people on the consent screen."
        value={form.name}
        error={save.fields['name']}
        onInput={(event) => setForm({ ...form, name: event.currentTarget.value })}
      />
      <div class="field">
        <label for={`${id}-redirects`}>Redirect URIs</label>
        <textarea
          id={`${id}-redirects`}
          rows={3}
          required
          value={form.redirectUris}
          aria-describedby={`${id}-redirects-hint`}
          onInput={(event) => setForm({ ...form, redirectUris: event.currentTarget.value })}
        />
        <span class="hint" id={`${id}-redirects-hint`}>
          One per line, matched exactly: where the application receives the authorization code.
        </span>
      </div>
      <Field
        label="Allowed scopes"
        value={form.scope}
        hint="Space-separated, such as openid profile email offline_access; empty for the default."
        onInput={(event) => setForm({ ...form, scope: event.currentTarget.value })}
      />
      <SelectField
        label="ID token signing algorithm"
        hint="RS256 works with every OpenID Connect library; choose ES256 or EdDSA only if the application asks for it."
        options={ID_TOKEN_ALGORITHMS.map((value) => ({
          value,
          label: value === 'RS256' ? 'RS256 (default)' : value,
        }))}
        value={form.idTokenAlg}
        onChange={(event) => setForm({ ...form, idTokenAlg: idTokenAlgorithm(event.currentTarget.value) })}
      />
      {!existing && (
        <Checkbox
          label="Public client"
          description="A browser or mobile app that cannot keep a secret: no secret, PKCE required."
          checked={form.public}
          onChange={(event) => setForm({ ...form, public: event.currentTarget.checked })}
        />
      )}
      <Checkbox
        label="First-party"
        description="Your own application: people are not asked for consent."
        checked={form.trusted}
        onChange={(event) => setForm({ ...form, trusted: event.currentTarget.checked })}
      />
      <FormActions
        submit={existing ? 'Save client' : 'Register client'}
        onCancel={onClose}
        pending={save.pending}
      />
    </form>
  );
}
