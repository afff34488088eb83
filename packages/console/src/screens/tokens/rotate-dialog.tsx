import type { ApiToken, RotatedApiToken } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { Dialog } from '../../components/dialog.js';
import { ActionError } from '../../components/feedback.js';
import { SelectField } from '../../components/field.js';
import { FormActions } from '../../components/form-actions.js';
import { formatDateTime } from '../../lib/format.js';
import { useAction } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';
import { ShowOnce } from './create-dialog.js';

/** How long the old token keeps working beside its successor: time to swap the secret where it is used. */
const OVERLAPS = [
  { value: '0s', label: 'Stop the old token now' },
  { value: '1h', label: '1 hour' },
  { value: '24h', label: '24 hours' },
  { value: '7d', label: '7 days' },
];

/**
 * Rotation: a successor with the same name, scopes, workspace and lifetime, its secret shown once; the old
 * token works until the overlap ends (marked "Rotating" in the list), so a deployment can swap it without
 * downtime.
 */
export function RotateTokenDialog({
  token,
  onClose,
  onRotated,
}: {
  token: ApiToken | null;
  onClose: () => void;
  onRotated: () => Promise<void>;
}) {
  const [overlap, setOverlap] = useState('24h');
  const [rotated, setRotated] = useState<RotatedApiToken | null>(null);
  const rotate = useAction(async () => {
    if (!token) return;
    const result = await sdk.authentication.rotateApiToken(token._id, { overlap });
    setRotated(result);
    await onRotated();
    return result;
  });
  const close = () => {
    setRotated(null);
    setOverlap('24h');
    rotate.reset();
    onClose();
  };
  const endsAt = rotated?.rotated.rotation?.endsAt;
  return (
    <Dialog
      open={token !== null}
      title={rotated ? 'Copy the new token' : `Rotate “${token?.nickname ?? ''}”?`}
      description={
        rotated
          ? endsAt && Date.parse(endsAt) > Date.now()
            ? `The old token keeps working until ${formatDateTime(endsAt)}.`
            : 'The old token no longer works.'
          : 'A new token replaces this one, with the same name, scopes, workspace and lifetime.'
      }
      onClose={close}
    >
      {rotated ? (
        <ShowOnce created={rotated} onDone={close} />
      ) : (
        <form
          class="stack"
          onSubmit={(event) => {
            event.preventDefault();
            void rotate.run();
          }}
        >
          <ActionError error={rotate.error} />
          <SelectField
            label="Keep the old token working for"
            hint="Time to put the new token wherever the old one is used. At most 7 days."
            value={overlap}
            options={OVERLAPS}
            onChange={(event) => setOverlap(event.currentTarget.value)}
          />
          <FormActions submit="Rotate token" onCancel={close} pending={rotate.pending} />
        </form>
      )}
    </Dialog>
  );
}
