import type { ApiToken } from '@gatehouse/sdk';
import { useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { DataTable } from '../../components/data-table.js';
import { Empty, Loaded } from '../../components/feedback.js';
import { Card } from '../../components/page.js';
import { formatRelative, plural } from '../../lib/format.js';
import { useResource } from '../../lib/hooks.js';
import { Link } from '../../lib/router.js';
import { sdk } from '../../lib/sdk.js';
import { RevokeTokenDialog } from '../tokens/revoke-dialog.js';
import { TokenMarks } from '../tokens.js';

/** The user's API tokens, as one more kind of credential in the inventory; managed on the tokens page. */
export function ApiTokenInventory() {
  const tokens = useResource(() => sdk.authentication.listApiTokens(), []);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const list = tokens.data ?? [];
  return (
    <Card
      title="API tokens"
      description="Long-lived keys for scripts and CI. They keep working until they expire or you revoke them."
      actions={
        <Link class="btn btn-secondary btn-small" href="/tokens">
          Manage API tokens
        </Link>
      }
    >
      <Loaded resource={tokens} empty={list.length === 0 && <Empty title="No API tokens" />}>
        <DataTable label="API tokens" columns={['Name', 'Last used', 'Uses', 'Expires']} actions>
          {list.map((token) => (
            <tr key={token._id}>
              <td class="primary" data-label="Name">
                <span class="cell-title">{token.nickname}</span> <TokenMarks token={token} />
                <span class="cell-sub mono">{token.tokenPrefix}…</span>
              </td>
              <td data-label="Last used">{formatRelative(token.lastUsedAt)}</td>
              <td data-label="Uses">{plural(token.usageCount, 'use')}</td>
              <td data-label="Expires">{token.expiresAt ? formatRelative(token.expiresAt) : 'Never'}</td>
              <td class="actions">
                <Button small variant="link-danger" onClick={() => setRevoking(token)}>
                  Revoke<span class="visually-hidden"> {token.nickname}</span>
                </Button>
              </td>
            </tr>
          ))}
        </DataTable>
      </Loaded>
      <RevokeTokenDialog token={revoking} onClose={() => setRevoking(null)} onRevoked={tokens.reload} />
    </Card>
  );
}
