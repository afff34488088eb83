import type { WorkspaceInvitation } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { Button } from '../components/button.js';
import { DataTable } from '../components/data-table.js';
import { ActionError } from '../components/feedback.js';
import { Card } from '../components/page.js';
import { useSession } from '../lib/context.js';
import { formatDay } from '../lib/format.js';
import { useAction, useResource } from '../lib/hooks.js';
import { sdk } from '../lib/sdk.js';

/**
 * Invitations addressed to the signed-in user's e-mail: nobody joins a workspace without accepting.
 * Shown above the memberships only while there are some.
 */
export function MyInvitations({ onJoined }: { onJoined: () => Promise<void> }) {
  const invitations = useResource(() => sdk.workspaces.invitations.list(), []);
  const { refresh } = useSession();
  const [busy, setBusy] = useState<string | null>(null);
  const answer = useAction(
    async (invitation: WorkspaceInvitation, accept: boolean) => {
      setBusy(invitation._id);
      try {
        if (accept) await sdk.workspaces.invitations.accept(invitation._id);
        else await sdk.workspaces.invitations.decline(invitation._id);
        await invitations.reload();
        if (accept) await Promise.all([onJoined(), refresh()]);
      } finally {
        setBusy(null);
      }
      return { invitation, accept };
    },
    {
      success: ({ invitation, accept }) =>
        accept ? `You joined ${invitation.workspace.name}` : `Declined ${invitation.workspace.name}`,
    },
  );
  const list = invitations.data ?? [];
  if (list.length === 0) return null;
  return (
    <Card title="Invitations for you" description="Workspaces you were invited to. Join or decline each one.">
      <ActionError error={answer.error} />
      <DataTable label="Invitations for you" columns={['Workspace', 'Role', 'Invited by', 'Expires']} actions>
        {list.map((invitation) => (
          <tr key={invitation._id}>
            <td class="primary" data-label="Workspace">
              <span class="cell-title">{invitation.workspace.name}</span>
            </td>
            <td data-label="Role">{invitation.role}</td>
            <td data-label="Invited by">{invitation.invitedBy ?? 'Someone'}</td>
            <td data-label="Expires">{formatDay(invitation.expiresAt)}</td>
            <td class="actions">
              <Button
                small
                variant="primary"
                pending={busy === invitation._id}
                disabled={busy !== null}
                onClick={() => void answer.run(invitation, true)}
              >
                Accept<span class="visually-hidden"> invitation to {invitation.workspace.name}</span>
              </Button>{' '}
              <Button small disabled={busy !== null} onClick={() => void answer.run(invitation, false)}>
                Decline<span class="visually-hidden"> invitation to {invitation.workspace.name}</span>
              </Button>
            </td>
          </tr>
        ))}
      </DataTable>
    </Card>
  );
}
