import type { TokenSession } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { DataTable } from '../../components/data-table.js';
import { ConfirmDialog } from '../../components/dialog.js';
import { Empty, Loaded } from '../../components/feedback.js';
import { Card } from '../../components/page.js';
import { describeDevice, formatDateTime, formatRelative } from '../../lib/format.js';
import { useResource } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';

/** Refresh-token families: apps, CLIs and scripts that signed in with the password for a token pair. */
export function TokenSessions() {
  const signIns = useResource(() => sdk.authentication.listTokenSessions(), []);
  const [revoking, setRevoking] = useState<TokenSession | null>(null);
  const list = signIns.data ?? [];
  return (
    <Card
      title="App and script sign-ins"
      description="Mobile apps, command-line tools and scripts that signed in with your password and refresh their access on their own."
    >
      <Loaded
        resource={signIns}
        empty={
          list.length === 0 && (
            <Empty title="No app or script is signed in">
              Token sign-ins appear here while they are active.
            </Empty>
          )
        }
      >
        <DataTable
          label="App and script sign-ins"
          columns={['Client', 'IP address', 'Workspace', 'Signed in', 'Last refreshed', 'Ends']}
          actions
        >
          {list.map((signIn) => (
            <tr key={signIn._id}>
              <td class="primary" data-label="Client">
                <span class="cell-title">{describeDevice(signIn.userAgent)}</span>
              </td>
              <td data-label="IP address">
                <span class="mono">{signIn.ip ?? '—'}</span>
              </td>
              <td data-label="Workspace">{signIn.workspace?.name ?? '—'}</td>
              <td data-label="Signed in">{formatDateTime(signIn.createdAt)}</td>
              <td data-label="Last refreshed" title={formatDateTime(signIn.lastUsedAt)}>
                {formatRelative(signIn.lastUsedAt)}
              </td>
              <td data-label="Ends" title={formatDateTime(signIn.expiresAt)}>
                {formatRelative(signIn.expiresAt)}
              </td>
              <td class="actions">
                <Button small variant="link-danger" onClick={() => setRevoking(signIn)}>
                  Revoke<span class="visually-hidden"> {describeDevice(signIn.userAgent)}</span>
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      </Loaded>
      <ConfirmDialog
        open={revoking !== null}
        title="Revoke this sign-in?"
        message={
          <p>
            {describeDevice(revoking?.userAgent)} can no longer refresh its access, and its current access
            stops working on its next request. It has to sign in with your password again.
          </p>
        }
        confirmLabel="Revoke sign-in"
        success="Sign-in revoked"
        onConfirm={async () => {
          if (!revoking) return;
          await sdk.authentication.revokeTokenSession(revoking._id);
          await signIns.reload();
        }}
        onClose={() => setRevoking(null)}
      />
    </Card>
  );
}
