import { useEffect, useState } from 'preact/hooks';
import { AuthFrame } from '../components/auth-frame.js';
import { Button } from '../components/button.js';
import { Alert } from '../components/feedback.js';
import { Field } from '../components/field.js';
import { useOptionalSession } from '../lib/context.js';
import { useAction, useTitle } from '../lib/hooks.js';
import { Link } from '../lib/router.js';
import { sdk } from '../lib/sdk.js';

/**
 * The pages the e-mailed links open (`/account/…` sends browsers here; see features/account-pages) and
 * the "forgot password" form. They work signed in or out. Opening one changes nothing: mail scanners
 * open links too, so only the button does.
 */

/**
 * The link's secret, read once and then taken out of the address bar, so it stays out of the history
 * and of anything that reads `location` later.
 */
function useLinkToken(): string {
  const [token] = useState(() => new URLSearchParams(location.search).get('token') ?? '');
  useEffect(() => {
    if (location.search) history.replaceState(history.state, '', location.pathname);
  }, []);
  return token;
}

/** Back to the console: the sign-in page, or the profile when already signed in. */
function Onward() {
  const session = useOptionalSession();
  return (
    <p class="auth-switch">
      {session ? <Link href="/profile">Go to your profile</Link> : <Link href="/signin">Go to sign in</Link>}
    </p>
  );
}

/** `/forgot-password`: asks for a reset e-mail; the answer is the same for any address. */
export function ForgotPassword() {
  useTitle('Reset your password');
  const [email, setEmail] = useState('');
  const request = useAction(() => sdk.authentication.requestPasswordReset(email.trim()));
  const [sent, setSent] = useState<string | null>(null);
  return (
    <AuthFrame>
      <h1>Reset your password</h1>
      {sent ? (
        <Alert kind="success">{sent}</Alert>
      ) : (
        <form
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            const answer = await request.run();
            if (answer) setSent(answer.message);
          }}
        >
          <p class="muted">We will e-mail you a link to choose a new one. It works once, for a short time.</p>
          {request.error && <Alert>{request.error}</Alert>}
          <Field
            label="Email"
            type="email"
            autocomplete="email"
            required
            value={email}
            error={request.fields['email']}
            onInput={(event) => setEmail(event.currentTarget.value)}
          />
          <Button type="submit" variant="primary" block pending={request.pending}>
            Send the link
          </Button>
        </form>
      )}
      <Onward />
    </AuthFrame>
  );
}

/** `/reset-password?token=` (a reset link) and `/welcome?token=` (an account an admin created). */
export function ChoosePassword({ welcome = false }: { welcome?: boolean }) {
  const title = welcome ? 'Welcome: choose your password' : 'Choose a new password';
  useTitle(title);
  const token = useLinkToken();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState(false);
  const reset = useAction(() => sdk.authentication.resetPassword({ token, newPassword: password }));
  return (
    <AuthFrame>
      <h1>{title}</h1>
      {done ? (
        <Alert kind="success">Your password is set. Sign in with it now.</Alert>
      ) : !token ? (
        <MissingToken />
      ) : (
        <form
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            if (password !== confirm) return setMismatch(true);
            if (await reset.run()) setDone(true);
          }}
        >
          {reset.error && <Alert>{reset.error}</Alert>}
          <Field
            label="New password"
            type="password"
            autocomplete="new-password"
            required
            hint="At least 8 characters. Every browser and app signed in to your account will be signed out."
            value={password}
            error={reset.fields['newPassword']}
            onInput={(event) => {
              setPassword(event.currentTarget.value);
              setMismatch(false);
            }}
          />
          <Field
            label="Repeat the new password"
            type="password"
            autocomplete="new-password"
            required
            value={confirm}
            error={mismatch ? 'does not match the new password' : undefined}
            onInput={(event) => {
              setConfirm(event.currentTarget.value);
              setMismatch(false);
            }}
          />
          <Button type="submit" variant="primary" block pending={reset.pending}>
            Set password
          </Button>
        </form>
      )}
      {reset.error && !welcome && (
        <p class="auth-switch">
          <Link href="/forgot-password">Ask for a new link</Link>
        </p>
      )}
      <Onward />
    </AuthFrame>
  );
}

function MissingToken() {
  return (
    <Alert>This page opens from the link in your e-mail. Open the link again, or ask for a new one.</Alert>
  );
}

/** `/verify-email?token=`: confirms an address; without a token, sends a new link. */
export function VerifyEmail() {
  useTitle('Confirm your address');
  const token = useLinkToken();
  const session = useOptionalSession();
  const [confirmed, setConfirmed] = useState<string | null>(null);
  const verify = useAction(async () => {
    const answer = await sdk.authentication.verifyEmail(token);
    // A new address of a signed-in person (an e-mail change) shows at once in the console.
    await session?.refresh().catch(() => {});
    return answer;
  });
  return (
    <AuthFrame>
      <h1>Confirm your address</h1>
      {confirmed ? (
        <Alert kind="success">{confirmed}</Alert>
      ) : token ? (
        <>
          <p class="muted">Confirm that this e-mail address is yours.</p>
          {verify.error && <Alert>{verify.error}</Alert>}
          <Button
            variant="primary"
            block
            pending={verify.pending}
            onClick={async () => {
              const answer = await verify.run();
              if (answer) setConfirmed(answer.message);
            }}
          >
            Confirm my address
          </Button>
        </>
      ) : (
        <ResendVerification email={session?.user.email ?? ''} />
      )}
      {token && verify.error && <ResendVerification email={session?.user.email ?? ''} />}
      <Onward />
    </AuthFrame>
  );
}

/** Sends a new confirmation link; the answer is the same for any address. */
export function ResendVerification({ email: initial }: { email: string }) {
  const [email, setEmail] = useState(initial);
  const [sent, setSent] = useState<string | null>(null);
  const resend = useAction(() => sdk.authentication.resendVerificationEmail(email.trim()));
  if (sent) return <Alert kind="success">{sent}</Alert>;
  return (
    <form
      noValidate
      onSubmit={async (event) => {
        event.preventDefault();
        const answer = await resend.run();
        if (answer) setSent(answer.message);
      }}
    >
      <p class="muted">Need a new link? Links work once, for 24 hours.</p>
      {resend.error && <Alert>{resend.error}</Alert>}
      <Field
        label="Email"
        type="email"
        autocomplete="email"
        required
        value={email}
        error={resend.fields['email']}
        onInput={(event) => setEmail(event.currentTarget.value)}
      />
      <Button type="submit" block pending={resend.pending}>
        Send a new link
      </Button>
    </form>
  );
}
