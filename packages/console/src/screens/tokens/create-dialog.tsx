import type { CreatedApiToken } from '@gatehouse/sdk';
import { useEffect, useId, useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { CopyButton } from '../../components/copy.js';
import { Dialog } from '../../components/dialog.js';
import { ActionError, Alert } from '../../components/feedback.js';
import { Checkbox, Field, SelectField } from '../../components/field.js';
import { FormActions } from '../../components/form-actions.js';
import { useAction, useResource } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';

/** The server's scopes (features/api-tokens/scopes.ts), in words. */
const SCOPES = [
  { value: 'profile:read', label: 'Read your profile', description: 'GET /api/me' },
  {
    value: 'profile:write',
    label: 'Edit your profile',
    description: 'Name and username, never the password',
  },
  { value: 'workspaces:read', label: 'Read workspaces', description: 'Workspaces and their members' },
  { value: 'workspaces:write', label: 'Manage workspaces', description: 'Create, rename, manage members' },
];

const EXPIRY = [
  { value: '30d', label: '30 days' },
  { value: '90d', label: '90 days' },
  { value: '1y', label: '1 year' },
  { value: 'custom', label: 'On a date…' },
  { value: 'never', label: 'Never (if the server allows it)' },
];

export function CreateTokenDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: () => Promise<void>;
}) {
  const [created, setCreated] = useState<CreatedApiToken | null>(null);
  const close = () => {
    setCreated(null);
    onClose();
  };
  return (
    <Dialog open={open} title={created ? 'Copy your new token' : 'Create an API token'} onClose={close}>
      {created ? (
        <ShowOnce created={created} onDone={close} />
      ) : (
        <CreateForm
          onCancel={close}
          onCreated={async (result) => {
            setCreated(result);
            await onCreated();
          }}
        />
      )}
    </Dialog>
  );
}

function CreateForm({
  onCancel,
  onCreated,
}: {
  onCancel: () => void;
  onCreated: (created: CreatedApiToken) => Promise<void>;
}) {
  const workspaces = useResource(() => sdk.workspaces.getList({ bypassAdmin: true }), []);
  const [nickname, setNickname] = useState('');
  const [expiry, setExpiry] = useState('90d');
  const [date, setDate] = useState('');
  const [workspace, setWorkspace] = useState('');
  const [scopes, setScopes] = useState(SCOPES.map((scope) => scope.value));
  const create = useAction(
    () =>
      sdk.authentication.createApiToken({
        nickname: nickname.trim(),
        expiresAt: expiry === 'custom' ? date : expiry,
        ...(workspace && { workspace }),
        scopes,
      }),
    { success: 'Token created' },
  );
  const submit = async (event: Event) => {
    event.preventDefault();
    const result = await create.run();
    if (result) await onCreated(result);
  };
  const toggle = (scope: string, on: boolean) =>
    setScopes(
      on
        ? SCOPES.map((s) => s.value).filter((s) => s === scope || scopes.includes(s))
        : scopes.filter((s) => s !== scope),
    );
  return (
    <form class="stack" onSubmit={submit}>
      <ActionError error={create.error} />
      <Field
        label="Name"
        required
        maxLength={100}
        placeholder="e.g. CI pipeline"
        hint="So you recognise it later in the list."
        value={nickname}
        onInput={(event) => setNickname(event.currentTarget.value)}
        error={create.fields['nickname']}
      />
      <div class="grid-2">
        <SelectField
          label="Expires"
          value={expiry}
          options={EXPIRY}
          onChange={(event) => setExpiry(event.currentTarget.value)}
        />
        {expiry === 'custom' && (
          <Field
            label="Expiry date"
            type="date"
            required
            value={date}
            onInput={(event) => setDate(event.currentTarget.value)}
            error={create.fields['expiresAt']}
          />
        )}
      </div>
      <SelectField
        label="Workspace"
        value={workspace}
        hint="A token bound to a workspace can never act in another one."
        options={[
          { value: '', label: 'Not bound to a workspace' },
          ...(workspaces.data ?? []).map((w) => ({ value: w._id, label: w.name })),
        ]}
        onChange={(event) => setWorkspace(event.currentTarget.value)}
      />
      <fieldset class="field">
        <legend>Scopes</legend>
        <span class="hint">What the token may do; it never does more than you can.</span>
        <div class="stack">
          {SCOPES.map((scope) => (
            <Checkbox
              key={scope.value}
              label={scope.label}
              description={`${scope.value} · ${scope.description}`}
              checked={scopes.includes(scope.value)}
              onChange={(event) => toggle(scope.value, event.currentTarget.checked)}
            />
          ))}
        </div>
      </fieldset>
      <FormActions submit="Create token" onCancel={onCancel} pending={create.pending} />
    </form>
  );
}

/** The raw token, once: the server never shows it again. */
export function ShowOnce({ created, onDone }: { created: CreatedApiToken; onDone: () => void }) {
  const id = useId();
  // The copy button takes focus, so Enter copies and a screen reader lands on the warning's neighbour.
  useEffect(() => {
    document.getElementById(`${id}-token`)?.focus();
  }, [id]);
  return (
    <div class="stack">
      <Alert kind="warning">
        This is the only time the token is shown. Copy it now and keep it somewhere safe, such as your CI’s
        secret store. If you lose it, revoke it and create a new one.
      </Alert>
      <div class="field">
        <label for={`${id}-token`}>Token for “{created.apiToken.nickname}”</label>
        <div class="secret">
          <input
            id={`${id}-token`}
            type="text"
            readOnly
            value={created.token}
            onFocus={(e) => e.currentTarget.select()}
          />
          <CopyButton text={created.token} inputId={`${id}-token`} />
        </div>
        <span class="hint">
          Send it as <code>x-api-key: {created.apiToken.tokenPrefix}…</code> on each request.
        </span>
      </div>
      <div class="row row-end">
        <Button onClick={onDone}>Done</Button>
      </div>
    </div>
  );
}
