import type { ApiToken } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { Button } from '../components/button.js';
import { DataTable } from '../components/data-table.js';
import { Badge, Empty, Loaded } from '../components/feedback.js';
import { Card, Page } from '../components/page.js';
import { Pager, pageOf } from '../components/pager.js';
import { formatDateTime, formatDay, formatRelative } from '../lib/format.js';
import { useResource } from '../lib/hooks.js';
import { sdk } from '../lib/sdk.js';
import { CreateTokenDialog } from './tokens/create-dialog.js';
import { RevokeTokenDialog } from './tokens/revoke-dialog.js';
import { RotateTokenDialog } from './tokens/rotate-dialog.js';

const PAGE_SIZE = 20;

const isExpired = (token: ApiToken) =>
  token.status === 'expired' || (token.expiresAt !== null && Date.parse(token.expiresAt) <= Date.now());

/** Expired, being rotated out (until when), or about to expire: what needs the owner's attention. */
export function TokenMarks({ token }: { token: ApiToken }) {
  if (isExpired(token)) return <Badge tone="danger">Expired</Badge>;
  if (token.status === 'rotating' && token.rotation)
    return (
      <Badge tone="accent">
        <span title={formatDateTime(token.rotation.endsAt)}>
          Rotating: stops {formatRelative(token.rotation.endsAt)}
        </span>
      </Badge>
    );
  return (
    <>
      {token.replaces && <Badge tone="success">New</Badge>}
      {token.expiresSoon && <Badge tone="danger">Expires soon</Badge>}
    </>
  );
}

export function ApiTokens() {
  const tokens = useResource(() => sdk.authentication.listApiTokens(), []);
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const [rotating, setRotating] = useState<ApiToken | null>(null);
  const [page, setPage] = useState(0);
  const { rows, hasNext } = pageOf(tokens.data ?? [], page, PAGE_SIZE);
  return (
    <Page
      title="API tokens"
      description="Keys for scripts, CI pipelines and command-line tools. Each acts as you, limited to its scopes and workspace; send it in the x-api-key header."
      actions={
        <Button variant="primary" onClick={() => setCreating(true)}>
          Create token
        </Button>
      }
    >
      <Card
        title="Your tokens"
        description="Check “Last used” to find stale tokens, and revoke what you no longer need."
        actions={
          <Button small onClick={() => void tokens.reload()} pending={tokens.loading && !!tokens.data}>
            Refresh
          </Button>
        }
        footer={
          (page > 0 || hasNext) && <Pager page={page} hasNext={hasNext} onPage={setPage} label="API tokens" />
        }
      >
        <Loaded
          resource={tokens}
          empty={
            rows.length === 0 && (
              <Empty title="No API tokens yet">
                Create one for each script or service, so you can revoke them one by one.
              </Empty>
            )
          }
        >
          <DataTable
            label="API tokens"
            columns={['Name', 'Scopes', 'Workspace', 'Created', 'Expires', 'Last used', 'Uses']}
            actions
          >
            {rows.map((token) => (
              <tr key={token._id} data-token={token._id}>
                <td class="primary" data-label="Name">
                  <span class="cell-title">{token.nickname}</span> <TokenMarks token={token} />
                  <span class="cell-sub mono">{token.tokenPrefix}…</span>
                </td>
                <td data-label="Scopes">
                  <div class="badges">
                    {token.scopes.map((scope) => (
                      <Badge key={scope}>{scope}</Badge>
                    ))}
                  </div>
                </td>
                <td data-label="Workspace">{token.workspace?.name ?? 'Any'}</td>
                <td data-label="Created">{formatDay(token.created)}</td>
                <td data-label="Expires" title={formatDateTime(token.expiresAt)}>
                  {token.expiresAt ? formatDay(token.expiresAt) : 'Never'}
                </td>
                <td data-label="Last used" data-column="last-used" title={formatDateTime(token.lastUsedAt)}>
                  {token.lastUsedAt ? formatRelative(token.lastUsedAt) : 'Never used'}
                </td>
                <td data-label="Uses" data-column="usage">
                  {token.usageCount}
                </td>
                <td class="actions">
                  {token.status !== 'rotating' && !isExpired(token) && (
                    <Button small onClick={() => setRotating(token)}>
                      Rotate<span class="visually-hidden"> {token.nickname}</span>
                    </Button>
                  )}{' '}
                  <Button small variant="link-danger" onClick={() => setRevoking(token)}>
                    Revoke<span class="visually-hidden"> {token.nickname}</span>
                  </Button>
                </td>
              </tr>
            ))}
          </DataTable>
        </Loaded>
      </Card>
      <CreateTokenDialog open={creating} onClose={() => setCreating(false)} onCreated={tokens.reload} />
      <RotateTokenDialog token={rotating} onClose={() => setRotating(null)} onRotated={tokens.reload} />
      <RevokeTokenDialog token={revoking} onClose={() => setRevoking(null)} onRevoked={tokens.reload} />
    </Page>
  );
}
