import { Button } from '../components/button.js';
import { ActionError, Alert } from '../components/feedback.js';
import { Card, Page } from '../components/page.js';
import { useSession } from '../lib/context.js';
import { useAction } from '../lib/hooks.js';
import { Link, navigate } from '../lib/router.js';
import { sdk } from '../lib/sdk.js';
import type { ScreenProps } from '../routes.js';

/** `/console/invites/:token`: the page an invitation link opens, once signed in. */
export function AcceptInvite({ params }: ScreenProps) {
  const token = params['token'] ?? '';
  const { user, refresh } = useSession();
  const accept = useAction(
    async () => {
      const workspace = await sdk.workspaces.invites.accept(token);
      await refresh();
      navigate(`/workspaces/${encodeURIComponent(workspace._id)}`, { replace: true });
      return workspace;
    },
    { success: (workspace) => `You joined ${workspace.name}` },
  );
  return (
    <Page title="Workspace invitation">
      <Card>
        <div class="card-body">
          <p>
            You were invited to join a workspace. You will join as <strong>{user.email}</strong>.
          </p>
          <Alert kind="info">
            Each invitation link works once. If it was sent to another email, sign in with that account.
          </Alert>
          <ActionError error={accept.error} />
          <div class="row">
            <Button variant="primary" pending={accept.pending} onClick={() => void accept.run()}>
              Accept invitation
            </Button>
            <Link class="btn btn-secondary" href="/workspaces">
              Not now
            </Link>
          </div>
        </div>
      </Card>
    </Page>
  );
}
