import { useState } from 'preact/hooks';
import { DataTable } from '../../components/data-table.js';
import { Empty, Loaded } from '../../components/feedback.js';
import { Card, Page } from '../../components/page.js';
import { Pager } from '../../components/pager.js';
import { formatDateTime } from '../../lib/format.js';
import { useResource } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';

const PAGE_SIZE = 25;

/** `user.disable` → "User disabled": the actions as a person reads them; unknown ones as they are. */
const ACTIONS: Record<string, string> = {
  'user.create': 'Account created',
  'user.invite': 'Account created, invitation sent',
  'user.disable': 'Account disabled',
  'user.enable': 'Account enabled',
  'user.delete': 'Account deleted',
  'user.end_sessions': 'Sessions ended',
  'user.set_password': 'Password set',
  'user.send_reset_link': 'Reset link sent',
  'user.reset_link': 'Reset link made',
  'user.set_roles': 'Roles changed',
  'global_role.create': 'Global role created',
  'global_role.delete': 'Global role deleted',
  'workspace_role.create': 'Workspace role created',
  'workspace_role.delete': 'Workspace role deleted',
  'auth_configuration.update': 'Authentication settings changed',
  'social_provider.set': 'Social provider changed',
  'social_provider.delete': 'Social provider deleted',
  'oauth_client.create': 'OAuth client registered',
  'oauth_client.update': 'OAuth client changed',
  'oauth_client.rotate_secret': 'OAuth client secret rotated',
  'oauth_client.delete': 'OAuth client deleted',
};

/** The audit trail, newest first: all of it, or one user's (`targetId`). */
export function AuditTrail({ targetId, compact = false }: { targetId?: string; compact?: boolean }) {
  const [page, setPage] = useState(0);
  const size = compact ? 5 : PAGE_SIZE;
  const records = useResource(
    () => sdk.admin.listAudit({ ...(targetId && { targetId }), limit: size + 1, offset: page * size }),
    [targetId, page],
  );
  const rows = (records.data ?? []).slice(0, size);
  const hasNext = (records.data?.length ?? 0) > size;
  const columns = compact ? ['Action', 'By', 'When'] : ['Action', 'Account', 'By', 'IP address', 'When'];
  return (
    <Card
      title={compact ? 'History' : 'Audit log'}
      footer={
        (page > 0 || hasNext) && <Pager page={page} hasNext={hasNext} onPage={setPage} label="Audit log" />
      }
    >
      <Loaded resource={records} empty={rows.length === 0 && <Empty title="Nothing recorded yet" />}>
        <DataTable label={compact ? 'History' : 'Audit log'} columns={columns}>
          {rows.map((record) => (
            <tr key={record._id}>
              <td class="primary" data-label="Action">
                <span class="cell-title">{ACTIONS[record.action] ?? record.action}</span>
                <span class="cell-sub mono">{record.action}</span>
              </td>
              {!compact && <td data-label="Account">{record.target?.email ?? '—'}</td>}
              <td data-label="By">{record.actor?.email ?? 'Command line'}</td>
              {!compact && (
                <td data-label="IP address">
                  <span class="mono">{record.ip ?? '—'}</span>
                </td>
              )}
              <td data-label="When">{formatDateTime(record.created)}</td>
            </tr>
          ))}
        </DataTable>
      </Loaded>
    </Card>
  );
}

/** `/admin/audit`: every admin action, with who did it, to whom, from where and when. */
export function AdminAudit() {
  return (
    <Page title="Audit log" description="Every administrative action on this server, newest first.">
      <AuditTrail />
    </Page>
  );
}
