import { useState } from 'preact/hooks';
import { DataTable } from '../../components/data-table.js';
import { Empty, Loaded } from '../../components/feedback.js';
import { Card, Page } from '../../components/page.js';
import { Pager, pageOf } from '../../components/pager.js';
import { formatDay, plural } from '../../lib/format.js';
import { useResource } from '../../lib/hooks.js';
import { Link } from '../../lib/router.js';
import { sdk } from '../../lib/sdk.js';

const PAGE_SIZE = 25;

/** Every workspace of the deployment (an admin's `GET /api/workspaces` without `bypassAdmin`). */
export function AdminWorkspaces() {
  const workspaces = useResource(() => sdk.workspaces.getList(), []);
  const [filter, setFilter] = useState('');
  const [page, setPage] = useState(0);
  const matching = (workspaces.data ?? []).filter((w) =>
    w.name.toLowerCase().includes(filter.trim().toLowerCase()),
  );
  const { rows, hasNext } = pageOf(matching, page, PAGE_SIZE);
  return (
    <Page title="All workspaces" description="Every workspace on this server, whoever owns it.">
      <Card
        title={workspaces.data ? plural(matching.length, 'workspace') : 'Workspaces'}
        actions={
          <>
            <label class="visually-hidden" for="workspace-filter">
              Filter workspaces by name
            </label>
            <input
              id="workspace-filter"
              type="search"
              placeholder="Filter by name"
              value={filter}
              onInput={(event) => {
                setFilter(event.currentTarget.value);
                setPage(0);
              }}
            />
          </>
        }
        footer={
          (page > 0 || hasNext) && <Pager page={page} hasNext={hasNext} onPage={setPage} label="Workspaces" />
        }
      >
        <Loaded resource={workspaces} empty={rows.length === 0 && <Empty title="No workspaces" />}>
          <DataTable label="All workspaces" columns={['Workspace', 'Members', 'Your role', 'Created']}>
            {rows.map((workspace) => (
              <tr key={workspace._id}>
                <td class="primary" data-label="Workspace">
                  <Link class="cell-title" href={`/workspaces/${encodeURIComponent(workspace._id)}`}>
                    {workspace.name}
                  </Link>
                  <span class="cell-sub mono">{workspace._id}</span>
                </td>
                <td data-label="Members">{workspace.membersCount ?? 0}</td>
                <td data-label="Your role">{workspace.roles?.join(', ') || 'Not a member'}</td>
                <td data-label="Created">{formatDay(workspace.created)}</td>
              </tr>
            ))}
          </DataTable>
        </Loaded>
      </Card>
    </Page>
  );
}
