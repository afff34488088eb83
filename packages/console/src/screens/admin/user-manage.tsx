import { type AdminUser, GatehouseError } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { Dialog } from '../../components/dialog.js';
import { ActionError, Alert, Badge } from '../../components/feedback.js';
import { Field, SelectField } from '../../components/field.js';
import { FormActions } from '../../components/form-actions.js';
import { useAction } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';
import { AuditTrail } from './audit.js';

export const displayUser = (user: AdminUser) => user.fullName?.trim() || user.username || user.email;

type Panel = 'actions' | 'password' | 'delete';

/**
 * Everything an admin does to one account: disable or enable it, end its sessions, set a password or
 * e-mail a reset link, delete it (choosing what happens to the workspaces only it owns), and its history
 * in the audit trail. Each action shows its progress, the server's answer and refreshes the list.
 */
export function ManageUserDialog({
  user,
  onClose,
  onChanged,
  onEditRoles,
}: {
  user: AdminUser | null;
  onClose: () => void;
  onChanged: () => Promise<void>;
  onEditRoles: (user: AdminUser) => void;
}) {
  const [panel, setPanel] = useState<Panel>('actions');
  // The dialog shows the freshest copy: an action answers with the user as it now is.
  const [current, setCurrent] = useState<AdminUser | null>(null);
  const shown = current && current._id === user?._id ? current : user;
  const [auditKey, setAuditKey] = useState(0);
  const after = async (updated?: AdminUser) => {
    if (updated) setCurrent(updated);
    setAuditKey((n) => n + 1);
    await onChanged();
  };
  const toggle = useAction(
    async () => {
      if (!shown) return;
      const updated = await sdk.admin.setUserDisabled(shown._id, !shown.disabled);
      await after(updated);
      return updated;
    },
    { success: (updated) => (updated?.disabled ? 'Account disabled' : 'Account enabled') },
  );
  const endSessions = useAction(
    async () => {
      if (!shown) return;
      await sdk.admin.endUserSessions(shown._id);
      await after();
    },
    { success: 'Every session of the user was ended' },
  );
  const resetLink = useAction(
    async () => {
      if (!shown) return;
      await sdk.admin.sendPasswordResetLink(shown._id);
      await after();
    },
    { success: 'A password-reset link is on its way' },
  );
  const close = () => {
    setPanel('actions');
    setCurrent(null);
    for (const action of [toggle, endSessions, resetLink]) action.reset();
    onClose();
  };
  const error = toggle.error ?? endSessions.error ?? resetLink.error;
  return (
    <Dialog
      open={user !== null}
      title={shown ? displayUser(shown) : ''}
      description={shown?.email}
      onClose={close}
    >
      {shown && panel === 'actions' && (
        <div class="stack">
          <div class="badges">
            {shown.disabled ? <Badge tone="danger">Disabled</Badge> : <Badge tone="success">Active</Badge>}
            {shown.emailVerified ? <Badge>Address confirmed</Badge> : <Badge>Address not confirmed</Badge>}
            {shown.secondFactorEnabled && <Badge tone="accent">Two-step on</Badge>}
            {shown.roles.map((role) => (
              <Badge key={role} tone={role === 'admin' ? 'accent' : 'neutral'}>
                {role}
              </Badge>
            ))}
          </div>
          <ActionError error={error} />
          <div class="row">
            <Button small onClick={() => onEditRoles(shown)}>
              Edit roles
            </Button>
            <Button
              small
              variant={shown.disabled ? 'primary' : 'danger'}
              pending={toggle.pending}
              onClick={() => void toggle.run()}
            >
              {shown.disabled ? 'Enable account' : 'Disable account'}
            </Button>
            <Button small pending={endSessions.pending} onClick={() => void endSessions.run()}>
              End all sessions
            </Button>
            <Button small pending={resetLink.pending} onClick={() => void resetLink.run()}>
              Send reset link
            </Button>
            <Button small onClick={() => setPanel('password')}>
              Set password
            </Button>
            <Button small variant="link-danger" onClick={() => setPanel('delete')}>
              Delete account
            </Button>
          </div>
          <p class="hint">
            Disabling ends the user's sessions and stops every credential, API tokens included, until enabled
            again.
          </p>
          <AuditTrail key={`${shown._id}-${auditKey}`} targetId={shown._id} compact />
        </div>
      )}
      {shown && panel === 'password' && (
        <SetPassword user={shown} onBack={() => setPanel('actions')} onDone={() => after()} />
      )}
      {shown && panel === 'delete' && (
        <DeleteUser
          user={shown}
          onBack={() => setPanel('actions')}
          onDeleted={async () => {
            close();
            await onChanged();
          }}
        />
      )}
    </Dialog>
  );
}

function SetPassword({
  user,
  onBack,
  onDone,
}: {
  user: AdminUser;
  onBack: () => void;
  onDone: () => Promise<void>;
}) {
  const [password, setPassword] = useState('');
  const set = useAction(
    async () => {
      await sdk.admin.setUserPassword(user._id, password);
      await onDone();
      return true;
    },
    { success: 'Password set; every session of the user was ended' },
  );
  return (
    <form
      class="stack"
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        if (await set.run()) onBack();
      }}
    >
      <ActionError error={set.error} />
      <Field
        label="New password for the user"
        type="password"
        autocomplete="new-password"
        required
        hint="At least 8 characters. Tell the person over a channel you trust; sending a reset link is usually better."
        value={password}
        error={set.fields['password']}
        onInput={(event) => setPassword(event.currentTarget.value)}
      />
      <FormActions submit="Set password" onCancel={onBack} pending={set.pending} cancel="Back" />
    </form>
  );
}

function DeleteUser({
  user,
  onBack,
  onDeleted,
}: {
  user: AdminUser;
  onBack: () => void;
  onDeleted: () => Promise<void>;
}) {
  const [choice, setChoice] = useState<'refuse' | 'delete' | 'transfer'>('refuse');
  const [heir, setHeir] = useState('');
  const remove = useAction(
    async () => {
      // The heir is named by e-mail here; the API takes an id, so look the account up first.
      let transferTo = '';
      if (choice === 'transfer') {
        const [found] = await sdk.admin.listUsers({ q: heir.trim(), limit: 1 });
        if (!found || found.email.toLowerCase() !== heir.trim().toLowerCase())
          throw new GatehouseError({
            status: 404,
            code: 'USER_NOT_FOUND',
            message: `No account uses ${heir.trim()}`,
          });
        transferTo = found._id;
      }
      await sdk.admin.deleteUser(
        user._id,
        choice === 'transfer'
          ? { soleOwnedWorkspaces: 'transfer', transferTo }
          : { soleOwnedWorkspaces: choice },
      );
      await onDeleted();
      return true;
    },
    { success: `Deleted ${user.email}` },
  );
  return (
    <form
      class="stack"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        void remove.run();
      }}
    >
      <Alert kind="warning">
        Deleting {user.email} cannot be undone: the account, its sessions, API tokens and memberships go.
      </Alert>
      <ActionError error={remove.error} />
      <SelectField
        label="Workspaces only this user owns"
        value={choice}
        onChange={(event) => setChoice(event.currentTarget.value as typeof choice)}
        options={[
          { value: 'refuse', label: 'Stop if there are any' },
          { value: 'transfer', label: 'Hand them to another account' },
          { value: 'delete', label: 'Delete them too' },
        ]}
      />
      {choice === 'transfer' && (
        <Field
          label="Email of the new owner"
          type="email"
          required
          value={heir}
          onInput={(event) => setHeir(event.currentTarget.value)}
        />
      )}
      <FormActions
        submit="Delete account"
        onCancel={onBack}
        pending={remove.pending}
        variant="danger"
        cancel="Back"
      />
    </form>
  );
}
