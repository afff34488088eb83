import { useState } from 'preact/hooks';
import { Button } from '../components/button.js';
import { ConfirmDialog } from '../components/dialog.js';
import { ActionError, LoadError, Loading } from '../components/feedback.js';
import { Field } from '../components/field.js';
import { Card, Page } from '../components/page.js';
import { useSession } from '../lib/context.js';
import { useAction, useResource } from '../lib/hooks.js';
import { Link, navigate } from '../lib/router.js';
import { sdk } from '../lib/sdk.js';
import type { ScreenProps } from '../routes.js';
import { Invites } from './workspace/invites.js';
import { Members } from './workspace/members.js';

const MANAGERS = ['owner', 'admin'];

export function WorkspaceDetail({ params }: ScreenProps) {
  const id = params['id'] ?? '';
  const workspace = useResource(() => sdk.workspaces.getWorkspace(id), [id]);
  if (workspace.loading && !workspace.data) return <Loading />;
  if (workspace.error || !workspace.data) {
    return (
      <Page title="Workspace">
        <LoadError error={workspace.error ?? 'Workspace not found'} retry={workspace.reload} />
        <Link href="/workspaces">Back to your workspaces</Link>
      </Page>
    );
  }
  const data = workspace.data;
  const myRole = data.roles?.[0] ?? null;
  const manager = myRole !== null && MANAGERS.includes(myRole);
  return (
    <Page
      title={data.name}
      description={
        myRole
          ? `You are ${myRole === 'admin' ? 'an admin' : `a${/^[aeiou]/.test(myRole) ? 'n' : ''} ${myRole}`} of this workspace.`
          : 'You are viewing this workspace as a deployment admin.'
      }
      actions={
        <Link class="btn btn-secondary" href="/workspaces">
          All your workspaces
        </Link>
      }
    >
      {manager && <Rename id={id} name={data.name} onRenamed={workspace.reload} />}
      <Members workspaceId={id} myRole={myRole} />
      {manager && <Invites workspaceId={id} myRole={myRole} />}
      {myRole === 'owner' && <DeleteWorkspace id={id} name={data.name} />}
    </Page>
  );
}

function Rename({ id, name, onRenamed }: { id: string; name: string; onRenamed: () => Promise<void> }) {
  const { refresh } = useSession();
  const [value, setValue] = useState(name);
  const rename = useAction(
    async () => {
      await sdk.workspaces.update(id, { name: value.trim() });
      await Promise.all([onRenamed(), refresh()]);
    },
    { success: 'Workspace renamed' },
  );
  return (
    <Card title="Settings">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void rename.run();
        }}
      >
        <div class="card-body">
          <ActionError error={rename.error} />
          <Field
            label="Workspace name"
            required
            maxLength={100}
            value={value}
            onInput={(event) => setValue(event.currentTarget.value)}
            error={rename.fields['name']}
          />
        </div>
        <div class="card-footer">
          <span class="muted small">Members see the new name at once.</span>
          <Button type="submit" variant="primary" pending={rename.pending} disabled={value.trim() === name}>
            Rename
          </Button>
        </div>
      </form>
    </Card>
  );
}

function DeleteWorkspace({ id, name }: { id: string; name: string }) {
  const { refresh } = useSession();
  const [confirming, setConfirming] = useState(false);
  return (
    <Card title="Delete workspace" description="Removes the workspace and every membership and invite in it.">
      <div class="card-body">
        <div>
          <Button variant="danger" onClick={() => setConfirming(true)}>
            Delete {name}
          </Button>
        </div>
      </div>
      <ConfirmDialog
        open={confirming}
        title={`Delete ${name}?`}
        message={
          <p>
            Every member loses access to it, and API tokens bound to it stop working. This cannot be undone.
          </p>
        }
        confirmLabel="Delete workspace"
        success="Workspace deleted"
        onConfirm={async () => {
          await sdk.workspaces.remove(id);
          await refresh();
          navigate('/workspaces');
        }}
        onClose={() => setConfirming(false)}
      />
    </Card>
  );
}
