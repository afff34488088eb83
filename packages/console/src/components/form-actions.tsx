import type { ComponentChildren } from 'preact';
import { Button } from './button.js';

/**
 * The footer of a form in a dialog or a step: "Cancel" (or "Back") beside the submit button, both held
 * while the action runs so it cannot be sent twice or abandoned half way.
 */
export function FormActions({
  submit,
  onCancel,
  pending,
  variant = 'primary',
  cancel = 'Cancel',
}: {
  /** The submit button's label: what the form does ("Create token"). */
  submit: ComponentChildren;
  onCancel: () => void;
  pending: boolean;
  /** `danger` when submitting cannot be undone. */
  variant?: 'primary' | 'danger';
  cancel?: 'Cancel' | 'Back';
}) {
  return (
    <div class="row row-end">
      <Button onClick={onCancel} disabled={pending}>
        {cancel}
      </Button>
      <Button type="submit" variant={variant} pending={pending}>
        {submit}
      </Button>
    </div>
  );
}
