import type { AnchorHTMLAttributes, JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/** Where the server mounts the console. */
export const BASE = '/console';

type Listener = () => void;
const listeners = new Set<Listener>();

/** The path below /console, always starting with `/` ("/" for the console's root). */
export function currentPath(): string {
  const path = location.pathname.startsWith(BASE) ? location.pathname.slice(BASE.length) : '/';
  return path === '' ? '/' : path.replace(/\/+$/, '') || '/';
}

/** Moves to another console page without a reload. */
export function navigate(path: string, { replace = false } = {}): void {
  const url = BASE + (path === '/' ? '/' : path);
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const listener of listeners) listener();
}

addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

/** Re-renders the caller whenever the console's path changes. */
export function usePath(): string {
  const [path, setPath] = useState(currentPath);
  useEffect(() => {
    const update = () => setPath(currentPath());
    listeners.add(update);
    return () => listeners.delete(update);
  }, []);
  return path;
}

/** Matches `/workspaces/:id` style patterns; returns the named segments, decoded. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (const [index, part] of want.entries()) {
    const actual = got[index] ?? '';
    if (part.startsWith(':')) {
      if (!actual) return null;
      try {
        params[part.slice(1)] = decodeURIComponent(actual);
      } catch {
        return null;
      }
    } else if (part !== actual) return null;
  }
  return params;
}

type AnchorProps = AnchorHTMLAttributes<HTMLAnchorElement>;

/** An in-console link: a real `<a href>` (open in a new tab works), navigated without a reload on a plain click. */
export function Link({ href, children, ...rest }: AnchorProps & { href: string }): JSX.Element {
  const onClick = (event: MouseEvent) => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return (
    <a {...rest} href={BASE + href} onClick={onClick}>
      {children}
    </a>
  );
}
