import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef } from 'preact/hooks';
import { useAction } from '../lib/hooks.js';
import { Button } from './button.js';
import { ActionError } from './feedback.js';

/**
 * A modal on the native `<dialog>`: the browser traps focus inside, closes on Escape, makes the page
 * behind inert, and gives focus back to the opener on close, in Chromium, Firefox and Safari alike.
 */
export function Dialog({
  open,
  title,
  description,
  onClose,
  children,
  footer,
}: {
  open: boolean;
  title: string;
  description?: ComponentChildren;
  onClose: () => void;
  children?: ComponentChildren;
  footer?: ComponentChildren;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={description ? `${id}-description` : undefined}
      onClose={onClose}
    >
      {open && (
        <>
          <div class="dialog-header">
            <h2 id={`${id}-title`}>{title}</h2>
            {description && (
              <p class="muted small" id={`${id}-description`}>
                {description}
              </p>
            )}
          </div>
          {children && <div class="dialog-body">{children}</div>}
          {footer && <div class="dialog-footer">{footer}</div>}
        </>
      )}
    </dialog>
  );
}

/** "Are you sure?" before something that cannot be undone; the action's progress and error show inside. */
export function ConfirmDialog({
  open,
  title,
  message,
  confirmLabel,
  onConfirm,
  onClose,
  success,
}: {
  open: boolean;
  title: string;
  message: ComponentChildren;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
  success?: string;
}) {
  const action = useAction(
    async () => {
      await onConfirm();
      return true as const;
    },
    success ? { success } : {},
  );
  const close = () => {
    action.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      title={title}
      onClose={close}
      footer={
        <>
          <Button onClick={close} disabled={action.pending}>
            Cancel
          </Button>
          <Button
            variant="danger"
            pending={action.pending}
            onClick={async () => {
              if (await action.run()) close();
            }}
          >
            {confirmLabel}
          </Button>
        </>
      }
    >
      <div>{message}</div>
      <ActionError error={action.error} />
    </Dialog>
  );
}
