import type { CreatedWorkspaceInvite, WorkspaceInvite } from '@gatehouse/sdk';
import { useId, useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { CopyButton } from '../../components/copy.js';
import { DataTable } from '../../components/data-table.js';
import { ConfirmDialog, Dialog } from '../../components/dialog.js';
import { ActionError, Alert, Badge, Empty, Loaded } from '../../components/feedback.js';
import { Field, SelectField } from '../../components/field.js';
import { FormActions } from '../../components/form-actions.js';
import { Card } from '../../components/page.js';
import { useSession } from '../../lib/context.js';
import { formatDateTime, formatRelative } from '../../lib/format.js';
import { useAction, useResource } from '../../lib/hooks.js';
import { BASE } from '../../lib/router.js';
import { sdk } from '../../lib/sdk.js';
import { InviteByEmailDialog } from './invite-email.js';
import { workspaceRoles } from './roles.js';

/** The page a link opens: sign in (or up), then accept. */
const inviteLink = (token: string) => `${location.origin}${BASE}/invites/${encodeURIComponent(token)}`;

export function Invites({ workspaceId, myRole }: { workspaceId: string; myRole: string | null }) {
  const invites = useResource(() => sdk.workspaces.invites.list(workspaceId), [workspaceId]);
  const [creating, setCreating] = useState(false);
  const [emailing, setEmailing] = useState(false);
  const { user } = useSession();
  const roles = useResource(() => workspaceRoles(user.roles.includes('admin')), []);
  // Only an owner hands out ownership (the server enforces it; the menus just do not offer it).
  const offered = (roles.data ?? ['owner', 'admin', 'member']).filter(
    (name) => name !== 'owner' || myRole === 'owner',
  );
  const [revoking, setRevoking] = useState<WorkspaceInvite | null>(null);
  const list = invites.data ?? [];
  return (
    <Card
      title="Invitations"
      description="Invite people by e-mail (they accept from their console) or with a single-use link."
      actions={
        <>
          <Button small variant="primary" onClick={() => setEmailing(true)}>
            Invite by e-mail
          </Button>
          <Button small onClick={() => setCreating(true)}>
            Invite by link
          </Button>
        </>
      }
    >
      <Loaded resource={invites} empty={list.length === 0 && <Empty title="No pending invitations" />}>
        <DataTable label="Pending invitations" columns={['For', 'Role', 'Expires']} actions>
          {list.map((invite) => (
            <tr key={invite._id}>
              <td class="primary" data-label="For">
                <span class="cell-title">{invite.email ?? 'Anyone with the link'}</span>
                <span class="cell-sub">Created {formatDateTime(invite.created)}</span>
              </td>
              <td data-label="Role">
                <Badge>{invite.role}</Badge>
              </td>
              <td data-label="Expires" title={formatDateTime(invite.expiresAt)}>
                {formatRelative(invite.expiresAt)}
              </td>
              <td class="actions">
                <Button small variant="link-danger" onClick={() => setRevoking(invite)}>
                  Revoke<span class="visually-hidden"> invitation for {invite.email ?? 'anyone'}</span>
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      </Loaded>
      <InviteByEmailDialog
        open={emailing}
        workspaceId={workspaceId}
        roles={offered}
        onClose={() => setEmailing(false)}
        onInvited={invites.reload}
      />
      <CreateInviteDialog
        open={creating}
        workspaceId={workspaceId}
        myRole={myRole}
        onClose={() => setCreating(false)}
        onCreated={invites.reload}
      />
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this invitation?"
        message={<p>The link stops working. You can create a new one at any time.</p>}
        confirmLabel="Revoke invitation"
        success="Invitation revoked"
        onConfirm={async () => {
          if (!revoking) return;
          await sdk.workspaces.invites.revoke(workspaceId, revoking._id);
          await invites.reload();
        }}
        onClose={() => setRevoking(null)}
      />
    </Card>
  );
}

function CreateInviteDialog({
  open,
  workspaceId,
  myRole,
  onClose,
  onCreated,
}: {
  open: boolean;
  workspaceId: string;
  myRole: string | null;
  onClose: () => void;
  onCreated: () => Promise<void>;
}) {
  const { user } = useSession();
  const roles = useResource(() => workspaceRoles(user.roles.includes('admin')), []);
  const [role, setRole] = useState('member');
  const [email, setEmail] = useState('');
  const [created, setCreated] = useState<CreatedWorkspaceInvite | null>(null);
  const id = useId();
  const create = useAction(
    async () => {
      const result = await sdk.workspaces.invites.create(workspaceId, {
        role,
        ...(email.trim() && { email: email.trim() }),
      });
      setCreated(result);
      await onCreated();
      return result;
    },
    { success: 'Invitation created' },
  );
  const close = () => {
    setCreated(null);
    setEmail('');
    create.reset();
    onClose();
  };
  // Only an owner hands out ownership (the server enforces it; the menu just does not offer it).
  const offered = (roles.data ?? ['owner', 'admin', 'member']).filter(
    (name) => name !== 'owner' || myRole === 'owner',
  );
  return (
    <Dialog open={open} title={created ? 'Share the invitation link' : 'Invite by link'} onClose={close}>
      {created ? (
        <div class="stack">
          <Alert kind="warning">
            The link is shown only now. Send it to the person you invite; it works once, until{' '}
            {formatDateTime(created.invite.expiresAt)}.
          </Alert>
          <div class="field">
            <label for={`${id}-link`}>Invitation link</label>
            <div class="secret">
              <input id={`${id}-link`} type="text" readOnly value={inviteLink(created.token)} />
              <CopyButton text={inviteLink(created.token)} inputId={`${id}-link`} label="Copy link" />
            </div>
          </div>
          <div class="row row-end">
            <Button onClick={close}>Done</Button>
          </div>
        </div>
      ) : (
        <form
          class="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void create.run();
          }}
        >
          <ActionError error={create.error} />
          <SelectField
            label="Role"
            value={role}
            options={offered.map((name) => ({ value: name, label: name }))}
            onChange={(event) => setRole(event.currentTarget.value)}
          />
          <Field
            label="Only for this email (optional)"
            type="email"
            value={email}
            hint="Leave empty to let whoever opens the link join."
            onInput={(event) => setEmail(event.currentTarget.value)}
            error={create.fields['email']}
          />
          <FormActions submit="Create link" onCancel={close} pending={create.pending} />
        </form>
      )}
    </Dialog>
  );
}
