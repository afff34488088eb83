import { GatehouseError, type SecondFactorChallenge, secondFactorChallenge, type User } from '@gatehouse/sdk';
import { useEffect, useState } from 'preact/hooks';
import { AuthFrame } from '../components/auth-frame.js';
import { Alert, Loading } from '../components/feedback.js';
import { describeError } from '../lib/errors.js';
import { Link } from '../lib/router.js';
import { sdk } from '../lib/sdk.js';
import { socialReason } from '../lib/social-errors.js';
import { SecondFactorStep } from './second-factor-step.js';

/** Where the console asks a social provider's sign-in to come back to, with a one-time `rt`. */
export const SOCIAL_CALLBACK = '/social-callback';

/**
 * The end of a social sign-in: checks that this tab started it, swaps the one-time `rt` for a cookie
 * session (taking it out of the address bar first), then on to the console, or to the second step when the
 * account has a second factor.
 */
export function SocialCallback({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [failure, setFailure] = useState<string | null>(null);
  const [challenge, setChallenge] = useState<SecondFactorChallenge | null>(null);
  useEffect(() => {
    // Checks the state this tab stored when the login started, takes rt out of the address bar whatever
    // happens, and only then swaps it.
    sdk.authentication
      .completeSocialLogin()
      .then((result) => onSignedIn(result.payload.user))
      .catch((error: unknown) => {
        const pending = secondFactorChallenge(error);
        const returned = error instanceof GatehouseError ? socialReason(error.code) : undefined;
        if (pending) setChallenge(pending);
        else setFailure(returned ?? describeError(error));
      });
  }, []);
  if (challenge)
    return (
      <SecondFactorStep
        challenge={challenge}
        onSignedIn={onSignedIn}
        onRestart={() => location.assign('/console/signin')}
      />
    );
  return (
    <AuthFrame>
      <h1>Signing you in</h1>
      {failure ? <Alert>{failure}</Alert> : <Loading label="Finishing the sign-in…" />}
      <p class="auth-switch">
        <Link href="/signin">Back to sign in</Link>
      </p>
    </AuthFrame>
  );
}
