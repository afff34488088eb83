import type { Role, RoleKind } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { DataTable } from '../../components/data-table.js';
import { ConfirmDialog } from '../../components/dialog.js';
import { ActionError, Badge, Loaded } from '../../components/feedback.js';
import { Field } from '../../components/field.js';
import { Card, Page } from '../../components/page.js';
import { useAction, useResource } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';

export function AdminRoles() {
  return (
    <Page
      title="Roles"
      description="Built-in roles and the ones this deployment adds. Applications read them from the user and the workspace."
    >
      <RoleCatalogue
        kind="global"
        title="Global roles"
        description="Held by users across the deployment. Deleting one takes it from everyone who holds it."
      />
      <RoleCatalogue
        kind="workspace"
        title="Workspace roles"
        description="Held by members inside one workspace. A role still held by a member cannot be deleted."
      />
    </Page>
  );
}

function RoleCatalogue({ kind, title, description }: { kind: RoleKind; title: string; description: string }) {
  const roles = useResource(() => sdk.admin.listRoles(kind), [kind]);
  const [name, setName] = useState('');
  const [about, setAbout] = useState('');
  const [deleting, setDeleting] = useState<Role | null>(null);
  const create = useAction(
    async () => {
      const role = await sdk.admin.createRole(kind, { name: name.trim(), description: about.trim() });
      setName('');
      setAbout('');
      await roles.reload();
      return role;
    },
    { success: (role) => `Role “${role.name}” created` },
  );
  return (
    <Card title={title} description={description}>
      <Loaded resource={roles}>
        <DataTable label={title} columns={['Role', 'Description']} actions>
          {(roles.data ?? []).map((role) => (
            <tr key={role.name}>
              <td class="primary" data-label="Role">
                <span class="cell-title mono">{role.name}</span> {role.builtIn && <Badge>Built-in</Badge>}
              </td>
              <td data-label="Description">{role.description || '—'}</td>
              <td class="actions">
                {!role.builtIn && (
                  <Button small variant="link-danger" onClick={() => setDeleting(role)}>
                    Delete<span class="visually-hidden"> {role.name}</span>
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      </Loaded>
      <form
        class="card-footer"
        aria-label={`Add a ${kind} role`}
        onSubmit={(event) => {
          event.preventDefault();
          void create.run();
        }}
      >
        <div class="stack">
          <ActionError error={create.error} />
          <div class="row">
            <Field
              label="New role"
              placeholder="e.g. billing"
              pattern="[a-z][a-z0-9_-]{0,39}"
              required
              value={name}
              onInput={(event) => setName(event.currentTarget.value)}
              error={create.fields['name']}
            />
            <Field
              label="Description"
              value={about}
              onInput={(event) => setAbout(event.currentTarget.value)}
            />
          </div>
          <span class="hint small muted">Lower-case letters, digits, “_” and “-”.</span>
        </div>
        <Button type="submit" variant="primary" pending={create.pending}>
          Add role
        </Button>
      </form>
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete the role “${deleting?.name ?? ''}”?`}
        message={
          <p>
            {kind === 'global'
              ? 'Every user holding it loses it on their next request.'
              : 'This is refused while any member still holds it: give them another role first.'}
          </p>
        }
        confirmLabel="Delete role"
        success="Role deleted"
        onConfirm={async () => {
          if (!deleting) return;
          await sdk.admin.deleteRole(kind, deleting.name);
          await roles.reload();
        }}
        onClose={() => setDeleting(null)}
      />
    </Card>
  );
}
