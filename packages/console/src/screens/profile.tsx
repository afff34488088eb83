import { useState } from 'preact/hooks';
import { Button } from '../components/button.js';
import { ActionError, Badge } from '../components/feedback.js';
import { Field } from '../components/field.js';
import { Card, Page } from '../components/page.js';
import { useSession } from '../lib/context.js';
import { formatDay } from '../lib/format.js';
import { useAction } from '../lib/hooks.js';
import { sdk } from '../lib/sdk.js';
import { EmailCard } from './profile/email.js';
import { LinkedAccounts } from './profile/linked-accounts.js';
import { YourData } from './profile/your-data.js';

export function Profile() {
  return (
    <Page title="Profile" description="Your name and sign-in details.">
      <ProfileDetails />
      <EmailCard />
      <PasswordChange />
      <LinkedAccounts />
      <YourData />
    </Page>
  );
}

function ProfileDetails() {
  const { user, refresh } = useSession();
  const [form, setForm] = useState({
    firstName: user.firstName ?? '',
    lastName: user.lastName ?? '',
    username: user.username,
  });
  const save = useAction(
    async () => {
      await sdk.authentication.updateLoggedInUser({
        firstName: form.firstName.trim(),
        lastName: form.lastName.trim(),
        username: form.username.trim(),
      });
      await refresh();
    },
    { success: 'Profile saved' },
  );
  const set = (field: keyof typeof form) => (event: { currentTarget: HTMLInputElement }) =>
    setForm({ ...form, [field]: event.currentTarget.value });
  return (
    <Card title="Personal details" description={`Member since ${formatDay(user.created)}`}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save.run();
        }}
      >
        <div class="card-body">
          <ActionError error={save.error} />
          <div class="grid-2">
            <Field
              label="First name"
              autocomplete="given-name"
              value={form.firstName}
              onInput={set('firstName')}
            />
            <Field
              label="Last name"
              autocomplete="family-name"
              value={form.lastName}
              onInput={set('lastName')}
            />
          </div>
          <div class="grid-2">
            <Field
              label="Email"
              type="email"
              value={user.email}
              readOnly
              hint="Your sign-in address: change it below."
            />
            <Field
              label="Username"
              autocomplete="username"
              value={form.username}
              onInput={set('username')}
              error={save.fields['username']}
              hint="You can sign in with it instead of your email."
            />
          </div>
          <div class="row">
            <span class="muted small">Global roles:</span>
            <div class="badges">
              {user.roles.map((role) => (
                <Badge key={role} tone={role === 'admin' ? 'accent' : 'neutral'}>
                  {role}
                </Badge>
              ))}
            </div>
          </div>
        </div>
        <div class="card-footer">
          <span class="muted small">Changes apply everywhere you are signed in.</span>
          <Button type="submit" variant="primary" pending={save.pending}>
            Save changes
          </Button>
        </div>
      </form>
    </Card>
  );
}

function PasswordChange() {
  const empty = { currentPassword: '', newPassword: '', confirm: '' };
  const [form, setForm] = useState(empty);
  const [mismatch, setMismatch] = useState(false);
  const change = useAction(
    async () => {
      await sdk.authentication.changePassword({
        currentPassword: form.currentPassword,
        newPassword: form.newPassword,
      });
      setForm(empty);
    },
    { success: 'Password changed. Your other sessions were signed out.' },
  );
  const set = (field: keyof typeof form) => (event: { currentTarget: HTMLInputElement }) => {
    setForm({ ...form, [field]: event.currentTarget.value });
    setMismatch(false);
  };
  return (
    <Card
      title="Password"
      description="Changing it signs out every other browser and token sign-in; this one stays."
    >
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (form.newPassword !== form.confirm) return setMismatch(true);
          void change.run();
        }}
      >
        <div class="card-body">
          <ActionError error={change.error} />
          <Field
            label="Current password"
            type="password"
            autocomplete="current-password"
            required
            value={form.currentPassword}
            onInput={set('currentPassword')}
            error={change.fields['currentPassword']}
          />
          <div class="grid-2">
            <Field
              label="New password"
              type="password"
              autocomplete="new-password"
              required
              hint="At least 8 characters."
              value={form.newPassword}
              onInput={set('newPassword')}
              error={change.fields['newPassword']}
            />
            <Field
              label="Repeat the new password"
              type="password"
              autocomplete="new-password"
              required
              value={form.confirm}
              onInput={set('confirm')}
              error={mismatch ? 'does not match the new password' : undefined}
            />
          </div>
        </div>
        <div class="card-footer">
          <span />
          <Button type="submit" variant="primary" pending={change.pending}>
            Change password
          </Button>
        </div>
      </form>
    </Card>
  );
}
