import type { User } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { AuthFrame } from '../components/auth-frame.js';
import { Button } from '../components/button.js';
import { Alert, Loading } from '../components/feedback.js';
import { Field } from '../components/field.js';
import { useAction, useTitle } from '../lib/hooks.js';
import { Link } from '../lib/router.js';
import { sdk } from '../lib/sdk.js';
import { useSignInOptions } from './sign-in.js';

export function SignUp({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  useTitle('Create an account');
  const options = useSignInOptions();
  const [form, setForm] = useState({ firstName: '', lastName: '', email: '', password: '' });
  const signUp = useAction(() =>
    sdk.authentication.signup({
      email: form.email.trim(),
      password: form.password,
      firstName: form.firstName.trim(),
      lastName: form.lastName.trim(),
    }),
  );
  // Sign-up with a required confirmation: no session until the link in the e-mail is used.
  const [pending, setPending] = useState<string | null>(null);
  const set = (field: keyof typeof form) => (event: { currentTarget: HTMLInputElement }) =>
    setForm({ ...form, [field]: event.currentTarget.value });

  const submit = async (event: Event) => {
    event.preventDefault();
    const result = await signUp.run();
    if (result?.emailVerificationRequired) setPending(result.message ?? 'Check your e-mail');
    else if (result) onSignedIn(result.payload.user);
  };

  if (!options)
    return (
      <AuthFrame>
        <Loading />
      </AuthFrame>
    );
  if (pending)
    return (
      <AuthFrame>
        <h1>Confirm your address</h1>
        <Alert kind="success">{pending}</Alert>
        <p class="auth-switch">
          <Link href="/signin">Go to sign in</Link>
        </p>
      </AuthFrame>
    );
  if (options.signup !== 'open') {
    return (
      <AuthFrame>
        <h1>Sign-up is closed</h1>
        <p class="muted">
          Accounts on this server are created by an administrator. Ask yours for an account or an invitation.
        </p>
        <p class="auth-switch">
          <Link href="/signin">Back to sign in</Link>
        </p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame>
      <h1>Create an account</h1>
      <p class="muted">It takes a few seconds.</p>
      <form onSubmit={submit} noValidate>
        {signUp.error && <Alert>{signUp.error}</Alert>}
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
        <Field
          label="Email"
          type="email"
          autocomplete="email"
          required
          value={form.email}
          onInput={set('email')}
          error={signUp.fields['email']}
        />
        <Field
          label="Password"
          type="password"
          autocomplete="new-password"
          required
          hint="At least 8 characters. A passphrase of a few words is easiest to remember."
          value={form.password}
          onInput={set('password')}
          error={signUp.fields['password']}
        />
        <Button type="submit" variant="primary" block pending={signUp.pending}>
          {signUp.pending ? 'Creating your account…' : 'Create account'}
        </Button>
      </form>
      <p class="auth-switch">
        Already have an account? <Link href="/signin">Sign in</Link>
      </p>
    </AuthFrame>
  );
}
