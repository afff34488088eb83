import type { User } from '@gatehouse/sdk';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Loading } from './components/feedback.js';
import { Toasts } from './components/toasts.js';
import { SessionContext, type SessionState } from './lib/context.js';
import { isSignedOut } from './lib/errors.js';
import { currentPath, navigate, usePath } from './lib/router.js';
import { sdk } from './lib/sdk.js';
import { resolve } from './routes.js';
import { ChoosePassword, ForgotPassword, VerifyEmail } from './screens/account-links.js';
import { SignIn } from './screens/sign-in.js';
import { SignUp } from './screens/sign-up.js';
import { SOCIAL_CALLBACK, SocialCallback } from './screens/social-callback.js';
import { Shell } from './shell.js';

type State =
  | { status: 'loading' }
  | { status: 'signed-out'; notice?: string }
  | { status: 'signed-in'; user: User };

const AUTH_PATHS = new Set(['/signin', '/signup']);

/** Pages that work signed in or out: the ones the e-mailed links open, and "forgot password". */
const PUBLIC_PAGES: Record<string, () => preact.JSX.Element> = {
  '/forgot-password': () => <ForgotPassword />,
  '/reset-password': () => <ChoosePassword />,
  '/welcome': () => <ChoosePassword welcome />,
  '/verify-email': () => <VerifyEmail />,
};
const HOME = '/profile';

export function App() {
  const [state, setState] = useState<State>({ status: 'loading' });
  const path = usePath();

  useEffect(() => {
    sdk.authentication
      .getLoggedInUser()
      .then((user) => setState({ status: 'signed-in', user }))
      .catch((error: unknown) =>
        setState(
          isSignedOut(error)
            ? { status: 'signed-out' }
            : { status: 'signed-out', notice: 'The server could not be reached. Reload to try again.' },
        ),
      );
  }, []);

  const session = useMemo<SessionState | null>(() => {
    if (state.status !== 'signed-in') return null;
    return {
      user: state.user,
      async refresh() {
        const user = await sdk.authentication.getLoggedInUser();
        setState({ status: 'signed-in', user });
      },
      async signOut() {
        await sdk.authentication.logout().catch(() => {});
        setState({ status: 'signed-out', notice: 'You are signed out.' });
        navigate('/signin', { replace: true });
      },
      expire(notice = 'Your session has ended. Sign in again to continue.') {
        setState({ status: 'signed-out', notice });
      },
    };
  }, [state]);

  const signedIn = (user: User) => {
    setState({ status: 'signed-in', user });
    if (AUTH_PATHS.has(currentPath()) || currentPath() === '/' || currentPath() === SOCIAL_CALLBACK)
      navigate(HOME, { replace: true });
  };

  if (state.status === 'loading') return <Loading label="Opening the console…" />;

  const PublicPage = PUBLIC_PAGES[path];
  if (PublicPage)
    return (
      <SessionContext.Provider value={session}>
        <Toasts>
          <PublicPage />
        </Toasts>
      </SessionContext.Provider>
    );

  if (state.status === 'signed-out') {
    if (path === SOCIAL_CALLBACK)
      return (
        <Toasts>
          <SocialCallback onSignedIn={signedIn} />
        </Toasts>
      );
    if (path === '/signup')
      return (
        <Toasts>
          <SignUp onSignedIn={signedIn} />
        </Toasts>
      );
    const inviting = path.startsWith('/invites/');
    return (
      <Toasts>
        <SignIn
          onSignedIn={signedIn}
          notice={inviting ? 'Sign in to accept your workspace invitation.' : state.notice}
        />
      </Toasts>
    );
  }

  if (AUTH_PATHS.has(path) || path === '/' || path === SOCIAL_CALLBACK) {
    navigate(HOME, { replace: true });
    return null;
  }
  const isAdmin = state.user.roles.includes('admin');
  const { screen: Screen, params } = resolve(path, isAdmin);
  return (
    <SessionContext.Provider value={session}>
      <Toasts>
        <Shell path={path}>
          <Screen key={path} params={params} />
        </Shell>
      </Toasts>
    </SessionContext.Provider>
  );
}
