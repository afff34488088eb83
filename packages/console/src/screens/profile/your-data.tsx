import { GatehouseError } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { Dialog } from '../../components/dialog.js';
import { ActionError, Alert } from '../../components/feedback.js';
import { Checkbox, Field } from '../../components/field.js';
import { FormActions } from '../../components/form-actions.js';
import { Card } from '../../components/page.js';
import { useSession } from '../../lib/context.js';
import { useAction } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';

/** Download everything the server keeps about the account, or delete it. */
export function YourData() {
  const [deleting, setDeleting] = useState(false);
  const download = useAction(
    async () => {
      const data = await sdk.authentication.exportAccountData();
      // A blob URL, not a data: or HTML string: nothing the Trusted Types policy would have to allow.
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
      );
      const link = document.createElement('a');
      link.href = url;
      link.download = 'gatehouse-account.json';
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
      return true;
    },
    { success: 'Your data is downloading' },
  );
  return (
    <Card title="Your data" description="What this server keeps about you, and how to leave.">
      <div class="card-body stack">
        <ActionError error={download.error} />
        <div class="row">
          <Button pending={download.pending} onClick={() => void download.run()}>
            Download my data
          </Button>
          <span class="muted small">
            Profile, memberships, sessions, API tokens (never their secrets), as JSON.
          </span>
        </div>
        <div class="row">
          <Button variant="danger" onClick={() => setDeleting(true)}>
            Delete my account
          </Button>
          <span class="muted small">Signs you out everywhere and cannot be undone.</span>
        </div>
      </div>
      <DeleteAccountDialog open={deleting} onClose={() => setDeleting(false)} />
    </Card>
  );
}

function DeleteAccountDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { expire } = useSession();
  const [password, setPassword] = useState('');
  const [withWorkspaces, setWithWorkspaces] = useState(false);
  const [owned, setOwned] = useState<string[]>([]);
  const remove = useAction(async () => {
    try {
      await sdk.authentication.deleteAccount({
        ...(password && { password }),
        ...(withWorkspaces && { soleOwnedWorkspaces: 'delete' as const }),
      });
    } catch (error) {
      // The server names the workspaces that would be left without an owner: offer to delete them too.
      const details =
        error instanceof GatehouseError ? (error.details as { workspaces?: { name: string }[] }) : undefined;
      if (error instanceof GatehouseError && error.code === 'LAST_OWNER')
        setOwned((details?.workspaces ?? []).map((workspace) => workspace.name));
      throw error;
    }
    return true;
  });
  const close = () => {
    setPassword('');
    setWithWorkspaces(false);
    setOwned([]);
    remove.reset();
    onClose();
  };
  return (
    <Dialog open={open} title="Delete your account?" onClose={close}>
      <form
        class="stack"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          if (await remove.run()) expire('Your account was deleted.');
        }}
      >
        <Alert kind="warning">
          Your profile, sessions, API tokens and memberships are deleted now. This cannot be undone.
        </Alert>
        <ActionError error={remove.error} />
        {owned.length > 0 && (
          <Checkbox
            label={`Delete ${owned.join(', ')} too`}
            description="You are their only owner. Or make someone else owner first, from the workspace's page."
            checked={withWorkspaces}
            onChange={(event) => setWithWorkspaces(event.currentTarget.checked)}
          />
        )}
        <Field
          label="Current password"
          type="password"
          autocomplete="current-password"
          hint="Needed unless you signed in a few minutes ago."
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
        <FormActions submit="Delete my account" onCancel={close} pending={remove.pending} variant="danger" />
      </form>
    </Dialog>
  );
}
