import type { User } from '@gatehouse/sdk';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export interface SessionState {
  user: User;
  /** Reads the user again (after a profile change or a workspace switch). */
  refresh(): Promise<void>;
  signOut(): Promise<void>;
  /** The server answered 401: the session ended elsewhere. Back to sign-in, saying why (or `notice`). */
  expire(notice?: string): void;
}

export const SessionContext = createContext<SessionState | null>(null);

/** The signed-in user's session; only inside the signed-in shell. */
export function useSession(): SessionState {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside the signed-in console');
  return session;
}

export function useOptionalSession(): SessionState | null {
  return useContext(SessionContext);
}

export type ToastKind = 'success' | 'error';

export interface Notifier {
  notify(message: string, kind?: ToastKind): void;
}

export const NotifierContext = createContext<Notifier>({ notify: () => {} });

export function useNotifier(): Notifier {
  return useContext(NotifierContext);
}
