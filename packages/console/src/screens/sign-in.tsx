import {
  GatehouseError,
  type SecondFactorChallenge,
  type SignInOptions,
  secondFactorChallenge,
  type User,
} from '@gatehouse/sdk';
import { useEffect, useState } from 'preact/hooks';
import { AuthFrame } from '../components/auth-frame.js';
import { Button } from '../components/button.js';
import { Alert } from '../components/feedback.js';
import { Checkbox, Field } from '../components/field.js';
import { useAction, useTitle } from '../lib/hooks.js';
import { BASE, Link } from '../lib/router.js';
import { sdk } from '../lib/sdk.js';
import { ResendVerification } from './account-links.js';
import { SecondFactorStep } from './second-factor-step.js';
import { SOCIAL_CALLBACK } from './social-callback.js';

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
  const [challenge, setChallenge] = useState<SecondFactorChallenge | null>(null);
  const [unverified, setUnverified] = useState(false);
  // A second factor answers the password with a challenge: the next step asks for a code.
  const signIn = useAction(async () => {
    setUnverified(false);
    try {
      return await sdk.authentication.signin({ username: login.trim(), password, remember });
    } catch (error) {
      const pending = secondFactorChallenge(error);
      if (!pending) {
        setUnverified(error instanceof GatehouseError && error.code === 'EMAIL_NOT_VERIFIED');
        throw error;
      }
      setChallenge(pending);
      return undefined;
    }
  });

  const submit = async (event: Event) => {
    event.preventDefault();
    const result = await signIn.run();
    if (result) onSignedIn(result.payload.user);
  };

  if (challenge)
    return (
      <SecondFactorStep
        challenge={challenge}
        onSignedIn={onSignedIn}
        onRestart={() => {
          setChallenge(null);
          setPassword('');
        }}
      />
    );

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
      {options?.providers && options.providers.length > 0 && (
        <div class="stack social">
          <p class="divider">or</p>
          {options.providers.map((provider) => (
            <a
              key={provider.name}
              class="btn btn-secondary btn-block"
              href={sdk.authentication.getSocialLoginUrl(provider.name, {
                returnUrl: `${location.origin}${BASE}${SOCIAL_CALLBACK}`,
              })}
              onClick={(event) => {
                // The SDK keeps a random state in this tab and checks it on the way back: a link that
                // carries someone else's one-time code cannot sign this browser in to their account.
                event.preventDefault();
                sdk.authentication.startSocialLogin(provider.name, {
                  returnUrl: `${location.origin}${BASE}${SOCIAL_CALLBACK}`,
                });
              }}
            >
              Continue with {provider.displayName}
            </a>
          ))}
        </div>
      )}
      {unverified && <ResendVerification email={login.includes('@') ? login.trim() : ''} />}
      <p class="auth-switch">
        <Link href="/forgot-password">Forgot your password?</Link>
      </p>
      {options?.signup === 'open' && (
        <p class="auth-switch">
          New here? <Link href="/signup">Create an account</Link>
        </p>
      )}
    </AuthFrame>
  );
}
