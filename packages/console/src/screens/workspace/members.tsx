import type { WorkspaceMember } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { DataTable } from '../../components/data-table.js';
import { ConfirmDialog } from '../../components/dialog.js';
import { ActionError, Badge, Loaded } from '../../components/feedback.js';
import { Card } from '../../components/page.js';
import { Pager, pageOf } from '../../components/pager.js';
import { useSession } from '../../lib/context.js';
import { formatDay } from '../../lib/format.js';
import { useAction, useResource } from '../../lib/hooks.js';
import { navigate } from '../../lib/router.js';
import { sdk } from '../../lib/sdk.js';
import { workspaceRoles } from './roles.js';

const PAGE_SIZE = 25;

const display = (member: WorkspaceMember) =>
  member.fullName?.trim() || member.username || member.email || member.user;

export function Members({ workspaceId, myRole }: { workspaceId: string; myRole: string | null }) {
  const { user, refresh } = useSession();
  const isAdmin = user.roles.includes('admin');
  const members = useResource(() => sdk.workspaces.members.list(workspaceId), [workspaceId]);
  const roles = useResource(() => workspaceRoles(isAdmin), [isAdmin]);
  const [removing, setRemoving] = useState<WorkspaceMember | null>(null);
  const [page, setPage] = useState(0);
  const manager = myRole === 'owner' || myRole === 'admin';
  const changeRole = useAction(
    async (member: WorkspaceMember, role: string) => {
      await sdk.workspaces.members.updateRole(workspaceId, member.user, role);
      await members.reload();
      return `${display(member)} is now ${role}`;
    },
    { success: (message) => message },
  );
  const { rows, hasNext } = pageOf(members.data ?? [], page, PAGE_SIZE);
  const leaving = removing?.user === user._id;
  return (
    <Card
      title="Members"
      description="Owners and admins manage members. Every workspace keeps at least one owner, so the last owner can be neither demoted nor removed."
      footer={
        (page > 0 || hasNext) && <Pager page={page} hasNext={hasNext} onPage={setPage} label="Members" />
      }
    >
      {changeRole.error && (
        <div class="card-body">
          <ActionError error={changeRole.error} />
        </div>
      )}
      <Loaded resource={members}>
        <DataTable label="Members" columns={['Member', 'Role', 'Joined']} actions>
          {rows.map((member) => {
            const role = member.roles[0] ?? 'member';
            const self = member.user === user._id;
            return (
              <tr key={member.user}>
                <td class="primary" data-label="Member">
                  <span class="cell-title">{display(member)}</span>{' '}
                  {self && <Badge tone="success">You</Badge>}
                  {display(member) !== member.email && <span class="cell-sub">{member.email}</span>}
                </td>
                <td data-label="Role">
                  {manager ? (
                    <select
                      aria-label={`Role of ${display(member)}`}
                      value={role}
                      disabled={changeRole.pending}
                      onChange={(event) => {
                        const next = event.currentTarget.value;
                        // Shown as it is until the server agrees.
                        event.currentTarget.value = role;
                        void changeRole.run(member, next);
                      }}
                    >
                      {[...new Set([role, ...(roles.data ?? ['owner', 'admin', 'member'])])].map((name) => (
                        <option key={name} value={name}>
                          {name}
                        </option>
                      ))}
                    </select>
                  ) : (
                    <Badge tone={role === 'owner' ? 'accent' : 'neutral'}>{role}</Badge>
                  )}
                </td>
                <td data-label="Joined">{formatDay(member.created)}</td>
                <td class="actions">
                  {(manager || self) && (
                    <Button small variant="link-danger" onClick={() => setRemoving(member)}>
                      {self ? 'Leave' : 'Remove'}
                      {!self && <span class="visually-hidden"> {display(member)}</span>}
                    </Button>
                  )}
                </td>
              </tr>
            );
          })}
        </DataTable>
      </Loaded>
      <ConfirmDialog
        open={removing !== null}
        title={leaving ? 'Leave this workspace?' : `Remove ${removing ? display(removing) : ''}?`}
        message={
          <p>
            {leaving
              ? 'You lose access to it until someone invites you again.'
              : 'They lose access to this workspace, and their API tokens bound to it stop working.'}
          </p>
        }
        confirmLabel={leaving ? 'Leave workspace' : 'Remove member'}
        success={leaving ? 'You left the workspace' : 'Member removed'}
        onConfirm={async () => {
          if (!removing) return;
          if (leaving) {
            await sdk.workspaces.leave(workspaceId);
            await refresh();
            navigate('/workspaces');
            return;
          }
          await sdk.workspaces.members.remove(workspaceId, removing.user);
          await members.reload();
        }}
        onClose={() => setRemoving(null)}
      />
    </Card>
  );
}
