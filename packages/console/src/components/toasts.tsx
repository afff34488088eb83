import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { type Notifier, NotifierContext, type ToastKind } from '../lib/context.js';

interface Toast {
  id: number;
  message: string;
  kind: ToastKind;
}

let nextId = 0;

/** Success and failure notices, announced politely and gone after a few seconds. */
export function Toasts({ children }: { children: ComponentChildren }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const notifier = useMemo<Notifier>(
    () => ({
      notify(message, kind = 'success') {
        const id = ++nextId;
        setToasts((list) => [...list.slice(-2), { id, message, kind }]);
        setTimeout(() => setToasts((list) => list.filter((toast) => toast.id !== id)), 5000);
      },
    }),
    [],
  );
  return (
    <NotifierContext.Provider value={notifier}>
      {children}
      <div class="toasts" role="status" aria-live="polite">
        {toasts.map((toast) => (
          <div key={toast.id} class={`toast toast-${toast.kind}`}>
            {toast.message}
          </div>
        ))}
      </div>
    </NotifierContext.Provider>
  );
}
