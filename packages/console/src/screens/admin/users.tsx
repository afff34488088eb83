import type { AdminUser } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { DataTable } from '../../components/data-table.js';
import { Dialog } from '../../components/dialog.js';
import { ActionError, Badge, Empty, Loaded } from '../../components/feedback.js';
import { Checkbox } from '../../components/field.js';
import { FormActions } from '../../components/form-actions.js';
import { Card, Page } from '../../components/page.js';
import { Pager } from '../../components/pager.js';
import { formatDay } from '../../lib/format.js';
import { useAction, useResource } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';
import { CreateUserDialog } from './user-create.js';
import { displayUser, ManageUserDialog } from './user-manage.js';

const PAGE_SIZE = 25;

const display = displayUser;

export function AdminUsers() {
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  // One more than a page: whether it came back says if there is a next page.
  const users = useResource(
    () => sdk.admin.listUsers({ q: search || undefined, limit: PAGE_SIZE + 1, offset: page * PAGE_SIZE }),
    [search, page],
  );
  const [editing, setEditing] = useState<AdminUser | null>(null);
  const [managing, setManaging] = useState<AdminUser | null>(null);
  const [creating, setCreating] = useState(false);
  const rows = (users.data ?? []).slice(0, PAGE_SIZE);
  const hasNext = (users.data?.length ?? 0) > PAGE_SIZE;
  return (
    <Page
      title="Users"
      description="Every account on this server, newest first."
      actions={
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create user
        </Button>
      }
    >
      <Card
        title="Accounts"
        actions={
          <form
            aria-label="Search users"
            class="search-form"
            onSubmit={(event) => {
              event.preventDefault();
              setPage(0);
              setSearch(query.trim());
            }}
          >
            <label class="visually-hidden" for="user-search">
              Search users
            </label>
            <input
              id="user-search"
              type="search"
              placeholder="Email, username or name"
              value={query}
              onInput={(event) => setQuery(event.currentTarget.value)}
            />
            <Button small type="submit" pending={users.loading && !!users.data}>
              Search
            </Button>
          </form>
        }
        footer={
          (page > 0 || hasNext) && <Pager page={page} hasNext={hasNext} onPage={setPage} label="Users" />
        }
      >
        <Loaded
          resource={users}
          empty={rows.length === 0 && <Empty title={search ? `No user matches “${search}”` : 'No users'} />}
        >
          <DataTable label="Users" columns={['User', 'Status', 'Global roles', 'Created']} actions>
            {rows.map((user) => (
              <tr key={user._id}>
                <td class="primary" data-label="User">
                  <span class="cell-title">{display(user)}</span>
                  <span class="cell-sub">{user.email}</span>
                </td>
                <td data-label="Status">
                  {user.disabled ? (
                    <Badge tone="danger">Disabled</Badge>
                  ) : (
                    <Badge tone="success">Active</Badge>
                  )}
                </td>
                <td data-label="Global roles">
                  <div class="badges">
                    {user.roles.map((role) => (
                      <Badge key={role} tone={role === 'admin' ? 'accent' : 'neutral'}>
                        {role}
                      </Badge>
                    ))}
                  </div>
                </td>
                <td data-label="Created">{formatDay(user.created)}</td>
                <td class="actions">
                  <Button small onClick={() => setManaging(user)}>
                    Manage<span class="visually-hidden"> {display(user)}</span>
                  </Button>
                </td>
              </tr>
            ))}
          </DataTable>
        </Loaded>
      </Card>
      <CreateUserDialog open={creating} onClose={() => setCreating(false)} onCreated={users.reload} />
      <ManageUserDialog
        user={managing}
        onClose={() => setManaging(null)}
        onChanged={users.reload}
        onEditRoles={(user) => {
          setManaging(null);
          setEditing(user);
        }}
      />
      <RolesDialog user={editing} onClose={() => setEditing(null)} onSaved={users.reload} />
    </Page>
  );
}

function RolesDialog({
  user,
  onClose,
  onSaved,
}: {
  user: AdminUser | null;
  onClose: () => void;
  onSaved: () => Promise<void>;
}) {
  const catalogue = useResource(() => sdk.admin.listRoles('global'), []);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const roles = chosen ?? user?.roles ?? [];
  const save = useAction(
    async () => {
      if (!user) return;
      await sdk.admin.setUserRoles(user._id, roles);
      await onSaved();
      return true;
    },
    { success: 'Roles saved' },
  );
  const close = () => {
    setChosen(null);
    save.reset();
    onClose();
  };
  return (
    <Dialog
      open={user !== null}
      title={`Roles of ${user ? display(user) : ''}`}
      description="Global roles apply across the deployment. Admins manage users, roles and settings."
      onClose={close}
    >
      <form
        class="stack"
        onSubmit={async (event) => {
          event.preventDefault();
          if (await save.run()) close();
        }}
      >
        <ActionError error={save.error} />
        <fieldset class="field">
          <legend>Roles</legend>
          <div class="stack">
            {(catalogue.data ?? []).map((role) => (
              <Checkbox
                key={role.name}
                label={role.name}
                {...(role.description && { description: role.description })}
                checked={roles.includes(role.name)}
                onChange={(event) =>
                  setChosen(
                    event.currentTarget.checked
                      ? [...roles, role.name]
                      : roles.filter((name) => name !== role.name),
                  )
                }
              />
            ))}
          </div>
        </fieldset>
        <FormActions submit="Save roles" onCancel={close} pending={save.pending} />
      </form>
    </Dialog>
  );
}
