import { useState } from 'preact/hooks';
import { Dialog } from '../../components/dialog.js';
import { ActionError } from '../../components/feedback.js';
import { Field, SelectField } from '../../components/field.js';
import { FormActions } from '../../components/form-actions.js';
import { useAction } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';

/**
 * Invites someone by e-mail: they get a message and find the invitation under "Your workspaces", where
 * they accept or decline it (a global admin's invitation adds an existing account at once).
 */
export function InviteByEmailDialog({
  open,
  workspaceId,
  roles,
  onClose,
  onInvited,
}: {
  open: boolean;
  workspaceId: string;
  roles: string[];
  onClose: () => void;
  onInvited: () => Promise<void>;
}) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState('member');
  const invite = useAction(
    async () => {
      const result = await sdk.workspaces.members.add(workspaceId, { email: email.trim(), role });
      await onInvited();
      return result;
    },
    {
      success: (result) =>
        result.status === 'added'
          ? `${email.trim()} was added`
          : `Invitation sent to ${email.trim()}: they accept it from their console`,
    },
  );
  const close = () => {
    setEmail('');
    invite.reset();
    onClose();
  };
  return (
    <Dialog open={open} title="Invite by e-mail" onClose={close}>
      <form
        class="stack"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          if (await invite.run()) close();
        }}
      >
        <ActionError error={invite.error} />
        <Field
          label="Email"
          type="email"
          required
          value={email}
          error={invite.fields['email']}
          onInput={(event) => setEmail(event.currentTarget.value)}
        />
        <SelectField
          label="Role"
          value={role}
          options={roles.map((name) => ({ value: name, label: name }))}
          onChange={(event) => setRole(event.currentTarget.value)}
        />
        <FormActions submit="Send invitation" onCancel={close} pending={invite.pending} />
      </form>
    </Dialog>
  );
}
