import type { ComponentChildren } from 'preact';
import { Button } from './button.js';

export function Alert({
  kind = 'error',
  children,
}: {
  kind?: 'error' | 'success' | 'warning' | 'info';
  children: ComponentChildren;
}) {
  // Errors interrupt (role=alert); the rest wait their turn (role=status).
  return (
    <div class={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      <div>{children}</div>
    </div>
  );
}

/** The error of an action, if any, in an alert. */
export function ActionError({ error }: { error: string | null }) {
  return error ? <Alert>{error}</Alert> : null;
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <strong>{title}</strong>
      {children}
    </div>
  );
}

export function Badge({
  tone = 'neutral',
  children,
}: {
  tone?: 'neutral' | 'accent' | 'success' | 'danger';
  children: ComponentChildren;
}) {
  return <span class={tone === 'neutral' ? 'badge' : `badge badge-${tone}`}>{children}</span>;
}

/** A list that failed to load: the reason, and a way to try again. */
export function LoadError({ error, retry }: { error: string; retry: () => void }) {
  return (
    <div class="card-body">
      <Alert>
        {error}{' '}
        <Button small onClick={retry}>
          Try again
        </Button>
      </Alert>
    </div>
  );
}

/**
 * What a loaded list shows: a spinner until the first answer, the error with a retry, the `empty` state
 * when given (pass it only when the list is empty), else the content.
 */
export function Loaded({
  resource,
  empty,
  children,
}: {
  resource: { data: unknown; error: string | null; loading: boolean; reload: () => void };
  empty?: ComponentChildren;
  children: ComponentChildren;
}) {
  if (resource.error) return <LoadError error={resource.error} retry={resource.reload} />;
  if (resource.data === undefined) return <Loading />;
  if (empty) return <>{empty}</>;
  return <>{children}</>;
}
