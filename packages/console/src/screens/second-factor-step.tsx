import type { SecondFactorChallenge, User } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { AuthFrame } from '../components/auth-frame.js';
import { Button } from '../components/button.js';
import { Alert } from '../components/feedback.js';
import { Field } from '../components/field.js';
import { useAction, useTitle } from '../lib/hooks.js';
import { sdk } from '../lib/sdk.js';

/**
 * The second step of a sign-in with a second factor: a code from the authenticator app, or one of the
 * recovery codes. The challenge lives a few minutes and dies after a few wrong codes; then the person
 * starts over with the password.
 */
export function SecondFactorStep({
  challenge,
  onSignedIn,
  onRestart,
}: {
  challenge: SecondFactorChallenge;
  onSignedIn: (user: User) => void;
  onRestart: () => void;
}) {
  useTitle('Two-step verification');
  const [recovery, setRecovery] = useState(false);
  const [code, setCode] = useState('');
  const complete = useAction(() =>
    sdk.authentication.completeSignin(
      challenge,
      recovery ? { recoveryCode: code.trim() } : { code: code.replace(/\s/g, '') },
    ),
  );
  const canRecover = challenge.methods.includes('recovery_code');
  return (
    <AuthFrame>
      <h1>Two-step verification</h1>
      <form
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const result = await complete.run();
          if (result) onSignedIn(result.payload.user);
        }}
      >
        <p class="muted">
          {recovery
            ? 'Enter one of the recovery codes you saved when you turned on two-step verification. Each works once.'
            : 'Enter the 6-digit code your authenticator app shows for this account.'}
        </p>
        {complete.error && <Alert>{complete.error}</Alert>}
        {recovery ? (
          <Field
            key="recovery"
            label="Recovery code"
            autocomplete="off"
            autoCapitalize="characters"
            spellcheck={false}
            required
            value={code}
            onInput={(event) => setCode(event.currentTarget.value)}
          />
        ) : (
          <Field
            key="code"
            label="Authentication code"
            inputMode="numeric"
            autocomplete="one-time-code"
            pattern="[0-9 ]*"
            maxLength={8}
            required
            value={code}
            onInput={(event) => setCode(event.currentTarget.value)}
          />
        )}
        <Button type="submit" variant="primary" block pending={complete.pending}>
          Verify
        </Button>
      </form>
      {canRecover && (
        <p class="auth-switch">
          <Button
            variant="ghost"
            onClick={() => {
              setRecovery(!recovery);
              setCode('');
              complete.reset();
            }}
          >
            {recovery ? 'Use a code from the app instead' : 'Use a recovery code instead'}
          </Button>
        </p>
      )}
      <p class="auth-switch">
        <Button variant="ghost" onClick={onRestart}>
          Start over
        </Button>
      </p>
    </AuthFrame>
  );
}
