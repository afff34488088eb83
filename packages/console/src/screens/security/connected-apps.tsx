import type { OAuthGrant } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { DataTable } from '../../components/data-table.js';
import { ConfirmDialog } from '../../components/dialog.js';
import { Badge, Empty, Loaded } from '../../components/feedback.js';
import { Card } from '../../components/page.js';
import { formatDateTime, formatDay, formatRelative } from '../../lib/format.js';
import { useResource } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';

/** Applications the user let act for them through OAuth (consents), each revocable. */
export function ConnectedApps() {
  const grants = useResource(() => sdk.authentication.listOAuthGrants(), []);
  const [revoking, setRevoking] = useState<OAuthGrant | null>(null);
  const list = grants.data ?? [];
  return (
    <Card
      title="Connected apps"
      description="Applications you allowed to act for you with “Sign in with Gatehouse”. Disconnecting ends their access at once."
    >
      <Loaded
        resource={grants}
        empty={list.length === 0 && <Empty title="No connected apps">Apps you approve appear here.</Empty>}
      >
        <DataTable label="Connected apps" columns={['App', 'Access', 'Connected', 'Last used']} actions>
          {list.map((grant) => (
            <tr key={grant.clientId}>
              <td class="primary" data-label="App">
                <span class="cell-title">{grant.clientName}</span>
                <span class="cell-sub mono">{grant.clientId}</span>
              </td>
              <td data-label="Access">
                <div class="badges">
                  {grant.scopes.map((scope) => (
                    <Badge key={scope}>{scope}</Badge>
                  ))}
                </div>
              </td>
              <td data-label="Connected">{formatDay(grant.created)}</td>
              <td data-label="Last used" title={formatDateTime(grant.lastUsedAt)}>
                {grant.lastUsedAt ? formatRelative(grant.lastUsedAt) : 'Not yet'}
              </td>
              <td class="actions">
                <Button small variant="link-danger" onClick={() => setRevoking(grant)}>
                  Disconnect<span class="visually-hidden"> {grant.clientName}</span>
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      </Loaded>
      <ConfirmDialog
        open={revoking !== null}
        title={`Disconnect ${revoking?.clientName ?? ''}?`}
        message={<p>Its access ends now; it has to ask for your consent again to come back.</p>}
        confirmLabel="Disconnect"
        success="App disconnected"
        onConfirm={async () => {
          if (revoking) await sdk.authentication.revokeOAuthGrant(revoking.clientId);
          await grants.reload();
        }}
        onClose={() => setRevoking(null)}
      />
    </Card>
  );
}
