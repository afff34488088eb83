import type { Session } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { DataTable } from '../../components/data-table.js';
import { ConfirmDialog } from '../../components/dialog.js';
import { Badge, Empty, Loaded } from '../../components/feedback.js';
import { Card } from '../../components/page.js';
import { useSession } from '../../lib/context.js';
import { describeDevice, formatDateTime, formatRelative } from '../../lib/format.js';
import { useResource } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';

export function BrowserSessions() {
  const sessions = useResource(() => sdk.authentication.listSessions(), []);
  const { signOut } = useSession();
  const [revoking, setRevoking] = useState<Session | null>(null);
  const list = sessions.data ?? [];
  return (
    <Card
      title="Browser sessions"
      description="Browsers signed in to this server with a cookie, this one included."
    >
      <Loaded resource={sessions} empty={list.length === 0 && <Empty title="No browser sessions" />}>
        <DataTable
          label="Browser sessions"
          columns={['Device', 'IP address', 'Signed in', 'Last seen']}
          actions
        >
          {list.map((session) => (
            <tr key={session._id}>
              <td class="primary" data-label="Device">
                <span class="cell-title">{describeDevice(session.userAgent)}</span>{' '}
                {session.current && <Badge tone="success">This device</Badge>}
              </td>
              <td data-label="IP address">
                <span class="mono">{session.ip ?? '—'}</span>
              </td>
              <td data-label="Signed in">{formatDateTime(session.createdAt)}</td>
              <td data-label="Last seen" title={formatDateTime(session.lastSeenAt)}>
                {session.current ? 'Now' : formatRelative(session.lastSeenAt)}
              </td>
              <td class="actions">
                <Button small variant="link-danger" onClick={() => setRevoking(session)}>
                  {session.current ? 'Sign out' : 'Revoke'}
                  <span class="visually-hidden"> {describeDevice(session.userAgent)}</span>
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      </Loaded>
      <ConfirmDialog
        open={revoking !== null}
        title={revoking?.current ? 'Sign out of this browser?' : 'Revoke this session?'}
        message={
          <p>
            {revoking?.current
              ? 'You will be back on the sign-in page.'
              : `${describeDevice(revoking?.userAgent)} (${revoking?.ip ?? 'unknown IP'}) is signed out on its next request.`}
          </p>
        }
        confirmLabel={revoking?.current ? 'Sign out' : 'Revoke session'}
        success={revoking?.current ? undefined : 'Session revoked'}
        onConfirm={async () => {
          if (!revoking) return;
          if (revoking.current) return signOut();
          await sdk.authentication.revokeSession(revoking._id);
          await sessions.reload();
        }}
        onClose={() => setRevoking(null)}
      />
    </Card>
  );
}
