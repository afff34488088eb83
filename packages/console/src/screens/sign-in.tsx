import type { SignInOptions, User } from '@gatehouse/sdk';
import { useEffect, useState } from 'preact/hooks';
import { Button } from '../components/button.js';
import { Alert } from '../components/feedback.js';
import { Checkbox, Field } from '../components/field.js';
import { useAction, useTitle } from '../lib/hooks.js';
import { Link } from '../lib/router.js';
import { sdk } from '../lib/sdk.js';

/** Sign-up open or closed decides whether to offer it; fetched once, anonymously. */
export function useSignInOptions(): SignInOptions | undefined {
  const [options, setOptions] = useState<SignInOptions>();
  useEffect(() => {
    sdk.authentication
      .getSignInOptions()
      .then(setOptions)
      .catch(() => setOptions({ signup: 'closed' }));
  }, []);
  return options;
}

export function AuthFrame({ children }: { children: preact.ComponentChildren }) {
  return (
    <main class="auth" id="main">
      <span class="brand">
        <img src={ICON} alt="" width={32} height={32} />
        Gatehouse
      </span>
      <div class="card auth-card">{children}</div>
    </main>
  );
}

const ICON = document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.href ?? '';

export function SignIn({
  onSignedIn,
  notice,
}: {
  onSignedIn: (user: User) => void;
  notice?: string | undefined;
}) {
  useTitle('Sign in');
  const options = useSignInOptions();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [remember, setRemember] = useState(false);
  const signIn = useAction(() => sdk.authentication.signin({ username: login.trim(), password, remember }));

  const submit = async (event: Event) => {
    event.preventDefault();
    const result = await signIn.run();
    if (result) onSignedIn(result.payload.user);
  };

  return (
    <AuthFrame>
      <h1>Sign in</h1>
      <p class="muted">to manage your account, API tokens and workspaces.</p>
      <form onSubmit={submit} noValidate>
        {notice && !signIn.error && <Alert kind="info">{notice}</Alert>}
        {signIn.error && <Alert>{signIn.error}</Alert>}
        <Field
          label="Email or username"
          name="username"
          type="text"
          autocomplete="username"
          autoCapitalize="none"
          spellcheck={false}
          required
          value={login}
          onInput={(event) => setLogin(event.currentTarget.value)}
        />
        <Field
          label="Password"
          name="password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
        <Checkbox
          label="Keep me signed in on this device"
          checked={remember}
          onChange={(event) => setRemember(event.currentTarget.checked)}
        />
        <Button type="submit" variant="primary" block pending={signIn.pending}>
          {signIn.pending ? 'Signing in…' : 'Sign in'}
        </Button>
      </form>
      {options?.signup === 'open' && (
        <p class="auth-switch">
          New here? <Link href="/signup">Create an account</Link>
        </p>
      )}
    </AuthFrame>
  );
}
