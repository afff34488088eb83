import type { ApiToken } from '@gatehouse/sdk';
import { ConfirmDialog } from '../../components/dialog.js';
import { sdk } from '../../lib/sdk.js';

export function RevokeTokenDialog({
  token,
  onClose,
  onRevoked,
}: {
  token: ApiToken | null;
  onClose: () => void;
  onRevoked: () => Promise<void>;
}) {
  return (
    <ConfirmDialog
      open={token !== null}
      title={`Revoke “${token?.nickname ?? ''}”?`}
      message={
        <p>
          Every script and service using the token <code>{token?.tokenPrefix}…</code> is refused from its next
          request. This cannot be undone.
        </p>
      }
      confirmLabel="Revoke token"
      success="Token revoked"
      onConfirm={async () => {
        if (!token) return;
        await sdk.authentication.deleteApiToken(token._id);
        await onRevoked();
      }}
      onClose={onClose}
    />
  );
}
