import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useNotifier, useOptionalSession } from './context.js';
import { describeError, fieldErrors, isSignedOut, mustEnrolSecondFactor } from './errors.js';
import { currentPath, navigate } from './router.js';

export interface ActionState {
  pending: boolean;
  /** The failure in words, shown beside the control that caused it. */
  error: string | null;
  /** Per-field problems of a 400 answer. */
  fields: Record<string, string>;
}

export interface Action<A extends unknown[], R> extends ActionState {
  /** Runs the action; resolves to its result, or undefined when it failed (the failure is in `error`). */
  run(...args: A): Promise<R | undefined>;
  reset(): void;
}

const IDLE: ActionState = { pending: false, error: null, fields: {} };

/**
 * Every button that changes something goes through this: progress while it runs, a toast on success, the
 * server's error beside the control on failure, and back to sign-in when the session has ended.
 */
export function useAction<A extends unknown[], R>(
  perform: (...args: A) => Promise<R>,
  options: { success?: string | ((result: R) => string | undefined) } = {},
): Action<A, R> {
  const [state, setState] = useState<ActionState>(IDLE);
  const session = useOptionalSession();
  const { notify } = useNotifier();
  const mounted = useRef(true);
  useEffect(
    () => () => {
      mounted.current = false;
    },
    [],
  );
  const run = async (...args: A): Promise<R | undefined> => {
    setState({ pending: true, error: null, fields: {} });
    try {
      const result = await perform(...args);
      if (mounted.current) setState(IDLE);
      const message = typeof options.success === 'function' ? options.success(result) : options.success;
      if (message) notify(message, 'success');
      return result;
    } catch (error) {
      if (session && isSignedOut(error)) {
        session.expire();
        return undefined;
      }
      if (mounted.current)
        setState({ pending: false, error: describeError(error), fields: fieldErrors(error) });
      return undefined;
    }
  };
  return { ...state, run, reset: () => setState(IDLE) };
}

export interface Resource<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload(): Promise<void>;
}

/** Loads data for a page; `deps` change → load again. A 401 sends the person back to sign-in. */
export function useResource<T>(load: () => Promise<T>, deps: readonly unknown[]): Resource<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const session = useOptionalSession();
  const generation = useRef(0);
  // `deps` are the caller's: the loader is re-created on every render, the list says when it changed.
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    try {
      const value = await load();
      if (mine !== generation.current) return;
      setData(value);
      setError(null);
    } catch (cause) {
      if (mine !== generation.current) return;
      if (session && isSignedOut(cause)) return session.expire();
      // An admin's policy wants a second factor first: the Security page is where it is set up.
      if (mustEnrolSecondFactor(cause) && currentPath() !== '/security')
        navigate('/security', { replace: true });
      setError(describeError(cause));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, deps);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, loading, reload };
}

/** Sets the tab title to "Page · Gatehouse". */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Gatehouse`;
  }, [title]);
}
