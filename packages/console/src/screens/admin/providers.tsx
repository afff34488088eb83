import type { SocialProviderConfig } from '@gatehouse/sdk/integrations';
import { useId, useState } from 'preact/hooks';
import { AdminCollection } from '../../components/admin-collection.js';
import { CopyButton } from '../../components/copy.js';
import { ActionError, Badge, Empty } from '../../components/feedback.js';
import { Checkbox, Field } from '../../components/field.js';
import { FormActions } from '../../components/form-actions.js';
import { useAction, useResource } from '../../lib/hooks.js';
import { integrations, lines } from '../../lib/integrations.js';

/** `/admin/providers`: social sign-in providers, enabled and configured here (the secret is write-only). */
export function AdminProviders() {
  const providers = useResource(() => integrations.listSocialProviders(), []);
  return (
    <AdminCollection
      title="Social sign-in"
      description="Providers people may sign in with. Enabled ones get a button on the sign-in page."
      addLabel="Add provider"
      listTitle="Providers"
      tableLabel="Providers"
      resource={providers}
      empty={<Empty title="No provider configured">Add Google, GitHub or any OpenID Connect provider.</Empty>}
      columns={['Provider', 'Status', 'Client ID', 'Return origins']}
      keyOf={(provider) => provider.name}
      nameOf={(provider) => provider.displayName}
      cells={(provider) => (
        <>
          <td class="primary" data-label="Provider">
            <span class="cell-title">{provider.displayName}</span>
            <span class="cell-sub mono">{provider.name}</span>
          </td>
          <td data-label="Status">
            {provider.enabled ? <Badge tone="success">Enabled</Badge> : <Badge>Off</Badge>}
          </td>
          <td data-label="Client ID">
            <span class="mono break">{provider.clientId || '—'}</span>
          </td>
          <td data-label="Return origins">{provider.returnOrigins.join(', ') || 'This server only'}</td>
        </>
      )}
      editor={{
        addTitle: 'Add a provider',
        description: 'Register the callback URL with the provider, then paste its client ID and secret here.',
        form: ({ existing, close }) => (
          <ProviderForm existing={existing} onClose={close} onSaved={providers.reload} />
        ),
      }}
      remove={{
        message: <p>Its button leaves the sign-in page. Accounts keep their other ways in.</p>,
        confirmLabel: 'Delete provider',
        success: 'Provider deleted',
        run: (provider) => integrations.deleteSocialProvider(provider.name),
      }}
    />
  );
}

function ProviderForm({
  existing,
  onClose,
  onSaved,
}: {
  existing: SocialProviderConfig | null;
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const id = useId();
  const [form, setForm] = useState({
    name: existing?.name ?? '',
    displayName: existing?.displayName ?? '',
    clientId: existing?.clientId ?? '',
    clientSecret: '',
    issuer: existing?.issuer ?? '',
    scopes: existing?.scopes ?? '',
    returnOrigins: existing?.returnOrigins.join('\n') ?? '',
    autoRegister: existing?.autoRegister ?? false,
    enabled: existing?.enabled ?? true,
  });
  const save = useAction(
    async () => {
      const saved = await integrations.setSocialProvider(form.name.trim(), {
        ...(form.displayName.trim() && { displayName: form.displayName.trim() }),
        ...(form.clientId.trim() && { clientId: form.clientId.trim() }),
        // Write-only: left empty, the stored secret stays.
        ...(form.clientSecret && { clientSecret: form.clientSecret }),
        ...(form.issuer.trim() && { issuer: form.issuer.trim() }),
        ...(form.scopes.trim() && { scopes: form.scopes.trim() }),
        returnOrigins: lines(form.returnOrigins),
        autoRegister: form.autoRegister,
        enabled: form.enabled,
      });
      await onSaved();
      return saved;
    },
    { success: (saved) => `${saved.displayName} saved` },
  );
  const text = (field: keyof typeof form) => (event: { currentTarget: HTMLInputElement }) =>
    setForm({ ...form, [field]: event.currentTarget.value });
  return (
    <form
      class="stack"
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        if (await save.run()) onClose();
      }}
    >
      <ActionError error={save.error} />
      {existing ? (
        <div class="field">
          <label for={`${id}-callback`}>Callback URL to register with the provider</label>
          <div class="secret">
            <input id={`${id}-callback`} type="text" readOnly value={existing.callbackUrl} />
            <CopyButton text={existing.callbackUrl} inputId={`${id}-callback`} />
          </div>
        </div>
      ) : (
        <Field
          label="Name"
          required
          hint="google, github, facebook, linkedin, or a name of your own for an OpenID Connect provider."
          value={form.name}
          onInput={text('name')}
          error={save.fields['name']}
        />
      )}
      <div class="grid-2">
        <Field
          label="Button label"
          value={form.displayName}
          onInput={text('displayName')}
          hint="“Continue with …”"
        />
        <Field
          label="Client ID"
          value={form.clientId}
          onInput={text('clientId')}
          error={save.fields['clientId']}
        />
      </div>
      <Field
        label="Client secret"
        type="password"
        autocomplete="off"
        value={form.clientSecret}
        onInput={text('clientSecret')}
        hint={
          existing?.clientSecretSet
            ? 'A secret is stored. Leave empty to keep it.'
            : 'Never shown again once saved.'
        }
      />
      {!existing?.builtin && (
        <Field
          label="Issuer (OpenID Connect providers)"
          type="url"
          value={form.issuer}
          onInput={text('issuer')}
          hint="Endpoints are discovered from it. Not needed for the built-in providers."
          error={save.fields['issuer']}
        />
      )}
      <Field
        label="Scopes"
        value={form.scopes}
        onInput={text('scopes')}
        hint="Space-separated; empty for the default."
      />
      <div class="field">
        <label for={`${id}-origins`}>Allowed return origins</label>
        <textarea
          id={`${id}-origins`}
          rows={3}
          value={form.returnOrigins}
          aria-describedby={`${id}-origins-hint`}
          onInput={(event) => setForm({ ...form, returnOrigins: event.currentTarget.value })}
        />
        <span class="hint" id={`${id}-origins-hint`}>
          One per line, such as https://app.example.com: the applications a sign-in may return to.
        </span>
      </div>
      <Checkbox
        label="Create an account on first sign-in"
        description="Otherwise only people who already have an account (with a confirmed address) can use it."
        checked={form.autoRegister}
        onChange={(event) => setForm({ ...form, autoRegister: event.currentTarget.checked })}
      />
      <Checkbox
        label="Enabled"
        description="Shows the button on the sign-in page."
        checked={form.enabled}
        onChange={(event) => setForm({ ...form, enabled: event.currentTarget.checked })}
      />
      <FormActions submit="Save provider" onCancel={onClose} pending={save.pending} />
    </form>
  );
}
