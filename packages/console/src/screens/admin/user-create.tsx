import { useState } from 'preact/hooks';
import { Dialog } from '../../components/dialog.js';
import { ActionError } from '../../components/feedback.js';
import { Checkbox, Field } from '../../components/field.js';
import { FormActions } from '../../components/form-actions.js';
import { useAction } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';

const EMPTY = { email: '', firstName: '', lastName: '', password: '', admin: false };

/** A new account: with a password the admin passes on, or (no password) an invitation e-mail to choose one. */
export function CreateUserDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: () => Promise<void>;
}) {
  const [form, setForm] = useState(EMPTY);
  const create = useAction(
    async () => {
      const user = await sdk.admin.createUser({
        email: form.email.trim(),
        ...(form.firstName.trim() && { firstName: form.firstName.trim() }),
        ...(form.lastName.trim() && { lastName: form.lastName.trim() }),
        ...(form.password && { password: form.password }),
        roles: form.admin ? ['user', 'admin'] : ['user'],
      });
      await onCreated();
      return user;
    },
    {
      success: (user) =>
        form.password ? `Created ${user.email}` : `Created ${user.email}; an invitation is on its way`,
    },
  );
  const close = () => {
    setForm(EMPTY);
    create.reset();
    onClose();
  };
  const set =
    (field: 'email' | 'firstName' | 'lastName' | 'password') =>
    (event: { currentTarget: HTMLInputElement }) =>
      setForm({ ...form, [field]: event.currentTarget.value });
  return (
    <Dialog open={open} title="Create a user" onClose={close}>
      <form
        class="stack"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          if (await create.run()) close();
        }}
      >
        <ActionError error={create.error} />
        <Field
          label="Email"
          type="email"
          required
          value={form.email}
          onInput={set('email')}
          error={create.fields['email']}
        />
        <div class="grid-2">
          <Field label="First name" value={form.firstName} onInput={set('firstName')} />
          <Field label="Last name" value={form.lastName} onInput={set('lastName')} />
        </div>
        <Field
          label="Password (optional)"
          type="password"
          autocomplete="new-password"
          hint="Leave empty to e-mail the person an invitation to choose their own."
          value={form.password}
          onInput={set('password')}
          error={create.fields['password']}
        />
        <Checkbox
          label="Administrator"
          description="Manages users, roles and settings of this server."
          checked={form.admin}
          onChange={(event) => setForm({ ...form, admin: event.currentTarget.checked })}
        />
        <FormActions submit="Create user" onCancel={close} pending={create.pending} />
      </form>
    </Dialog>
  );
}
