import type { Workspace } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { Button } from '../components/button.js';
import { DataTable } from '../components/data-table.js';
import { Dialog } from '../components/dialog.js';
import { ActionError, Badge, Empty, Loaded } from '../components/feedback.js';
import { Field } from '../components/field.js';
import { FormActions } from '../components/form-actions.js';
import { Card, Page } from '../components/page.js';
import { useSession } from '../lib/context.js';
import { formatDay, plural } from '../lib/format.js';
import { useAction, useResource } from '../lib/hooks.js';
import { Link, navigate } from '../lib/router.js';
import { sdk } from '../lib/sdk.js';
import { MyInvitations } from './my-invitations.js';

export function Workspaces() {
  const { user, refresh } = useSession();
  const workspaces = useResource(() => sdk.workspaces.getList({ bypassAdmin: true }), []);
  const [creating, setCreating] = useState(false);
  const [switchingTo, setSwitchingTo] = useState<string | null>(null);
  const switchTo = useAction(
    async (workspace: Workspace) => {
      setSwitchingTo(workspace._id);
      try {
        await sdk.workspaces.activate(workspace._id);
        await refresh();
      } finally {
        setSwitchingTo(null);
      }
      return workspace;
    },
    { success: (workspace) => `Switched to ${workspace.name}` },
  );
  const activeId = user.workspace?._id;
  const list = workspaces.data ?? [];
  return (
    <Page
      title="Your workspaces"
      description="Workspaces you belong to. The active one is where your session acts: apps read it from your sign-in."
      actions={
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create workspace
        </Button>
      }
    >
      <ActionError error={switchTo.error} />
      <MyInvitations onJoined={workspaces.reload} />
      <Card title="Memberships">
        <Loaded
          resource={workspaces}
          empty={
            list.length === 0 && (
              <Empty title="You are not in any workspace yet">
                Create one, or open an invite link someone sent you.
              </Empty>
            )
          }
        >
          <DataTable
            label="Your workspaces"
            columns={['Workspace', 'Your role', 'Members', 'Created']}
            actions
          >
            {list.map((workspace) => (
              <tr key={workspace._id}>
                <td class="primary" data-label="Workspace">
                  <Link class="cell-title" href={`/workspaces/${encodeURIComponent(workspace._id)}`}>
                    {workspace.name}
                  </Link>{' '}
                  {workspace._id === activeId && <Badge tone="success">Active</Badge>}
                </td>
                <td data-label="Your role">
                  <div class="badges">
                    {(workspace.roles ?? []).map((role) => (
                      <Badge key={role} tone={role === 'owner' ? 'accent' : 'neutral'}>
                        {role}
                      </Badge>
                    ))}
                  </div>
                </td>
                <td data-label="Members">{plural(workspace.membersCount ?? 0, 'member')}</td>
                <td data-label="Created">{formatDay(workspace.created)}</td>
                <td class="actions">
                  {workspace._id === activeId ? (
                    <span class="muted small">Current</span>
                  ) : (
                    <Button
                      small
                      pending={switchingTo === workspace._id}
                      disabled={switchingTo !== null}
                      onClick={() => void switchTo.run(workspace)}
                    >
                      Switch<span class="visually-hidden"> to {workspace.name}</span>
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        </Loaded>
      </Card>
      <CreateWorkspaceDialog open={creating} onClose={() => setCreating(false)} />
    </Page>
  );
}

function CreateWorkspaceDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState('');
  const create = useAction((workspaceName: string) => sdk.workspaces.create({ name: workspaceName }), {
    success: (workspace) => `Created ${workspace.name}`,
  });
  const close = () => {
    setName('');
    create.reset();
    onClose();
  };
  return (
    <Dialog open={open} title="Create a workspace" description="You become its owner." onClose={close}>
      <form
        class="stack"
        onSubmit={async (event) => {
          event.preventDefault();
          const workspace = await create.run(name.trim());
          if (workspace) {
            close();
            navigate(`/workspaces/${encodeURIComponent(workspace._id)}`);
          }
        }}
      >
        <ActionError error={create.error} />
        <Field
          label="Name"
          required
          maxLength={100}
          value={name}
          onInput={(event) => setName(event.currentTarget.value)}
          error={create.fields['name']}
        />
        <FormActions submit="Create workspace" onCancel={close} pending={create.pending} />
      </form>
    </Dialog>
  );
}
