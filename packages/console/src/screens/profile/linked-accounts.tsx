import { GatehouseError, type SignInOptions } from '@gatehouse/sdk';
import type { LinkedIdentity } from '@gatehouse/sdk/integrations';
import { useEffect, useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { DataTable } from '../../components/data-table.js';
import { ConfirmDialog, Dialog } from '../../components/dialog.js';
import { ActionError, Alert, Empty, Loaded } from '../../components/feedback.js';
import { Field } from '../../components/field.js';
import { FormActions } from '../../components/form-actions.js';
import { Card } from '../../components/page.js';
import { formatDateTime, formatDay, formatRelative } from '../../lib/format.js';
import { useAction, useResource } from '../../lib/hooks.js';
import { integrations } from '../../lib/integrations.js';
import { sdk } from '../../lib/sdk.js';
import { socialError } from '../../lib/social-errors.js';

type SocialProvider = NonNullable<SignInOptions['providers']>[number];

/** Where the provider sends the browser back after linking: this page, with `?linked=` or `?error=`. */
const RETURN_PATH = '/console/profile';

/** What came back from the provider, in words; the query is taken out of the address bar. */
function useLinkOutcome(names: Record<string, string>): { kind: 'success' | 'error'; text: string } | null {
  const [query] = useState(() => new URLSearchParams(location.search));
  useEffect(() => {
    if (query.has('linked') || query.has('error')) history.replaceState(history.state, '', location.pathname);
  }, []);
  const linked = query.get('linked');
  const name = (provider: string | null) => (provider && names[provider]) || provider || 'the provider';
  if (linked)
    return { kind: 'success', text: `Your ${name(linked)} account is linked: you can sign in with it now.` };
  const error = query.get('error');
  if (!error) return null;
  return { kind: 'error', text: socialError(error) };
}

/**
 * The social identities linked to the account (issue 10, item 6), each removable unless it is the only way
 * in, and "Link" for each enabled provider (item 4). Linking is a privileged change: when the sign-in is
 * older than the server's reauthentication window, the password is asked first.
 */
export function LinkedAccounts() {
  const identities = useResource(() => integrations.listLinkedIdentities(), []);
  const options = useResource(() => sdk.authentication.getSignInOptions(), []);
  const providers: SocialProvider[] = options.data?.providers ?? [];
  const names = Object.fromEntries(providers.map((provider) => [provider.name, provider.displayName]));
  const outcome = useLinkOutcome(names);
  const [unlinking, setUnlinking] = useState<LinkedIdentity | null>(null);
  const [confirming, setConfirming] = useState<SocialProvider | null>(null);
  const link = useAction(async (provider: SocialProvider) => {
    try {
      const { url } = await integrations.linkIdentity(provider.name, {
        returnUrl: `${location.origin}${RETURN_PATH}`,
      });
      location.assign(url);
    } catch (error) {
      if (error instanceof GatehouseError && error.code === 'REAUTHENTICATION_REQUIRED')
        setConfirming(provider);
      else throw error;
    }
  });
  const list = identities.data ?? [];
  if (providers.length === 0 && list.length === 0) return null;
  return (
    <Card
      title="Linked accounts"
      description="Accounts at other services you can sign in with. Unlinking one keeps your account here."
    >
      <div class="card-body stack">
        {outcome && <Alert kind={outcome.kind}>{outcome.text}</Alert>}
        <ActionError error={link.error} />
        <Loaded
          resource={identities}
          empty={
            list.length === 0 && <Empty title="No linked accounts">Link one below to sign in with it.</Empty>
          }
        >
          <DataTable label="Linked accounts" columns={['Provider', 'Email', 'Linked', 'Last used']} actions>
            {list.map((identity) => (
              <tr key={`${identity.provider}/${identity.subject}`}>
                <td class="primary" data-label="Provider">
                  <span class="cell-title">{names[identity.provider] ?? identity.provider}</span>
                  <span class="cell-sub mono">{identity.subject}</span>
                </td>
                <td data-label="Email">{identity.email ?? '—'}</td>
                <td data-label="Linked">{formatDay(identity.linkedAt)}</td>
                <td data-label="Last used" title={formatDateTime(identity.lastUsedAt)}>
                  {identity.lastUsedAt ? formatRelative(identity.lastUsedAt) : 'Not yet'}
                </td>
                <td class="actions">
                  <Button small variant="link-danger" onClick={() => setUnlinking(identity)}>
                    Unlink
                    <span class="visually-hidden"> {names[identity.provider] ?? identity.provider}</span>
                  </Button>
                </td>
              </tr>
            ))}
          </DataTable>
        </Loaded>
        {providers.length > 0 && (
          <div class="row">
            {providers.map((provider) => (
              <Button key={provider.name} pending={link.pending} onClick={() => void link.run(provider)}>
                Link {provider.displayName}
              </Button>
            ))}
          </div>
        )}
      </div>
      <ConfirmDialog
        open={unlinking !== null}
        title={`Unlink ${unlinking ? (names[unlinking.provider] ?? unlinking.provider) : ''}?`}
        message={<p>You will no longer be able to sign in with it. Your account here stays as it is.</p>}
        confirmLabel="Unlink"
        success="Account unlinked"
        onConfirm={async () => {
          if (unlinking) await integrations.unlinkIdentity(unlinking.provider, unlinking.subject);
          await identities.reload();
        }}
        onClose={() => setUnlinking(null)}
      />
      <ConfirmPasswordDialog provider={confirming} onClose={() => setConfirming(null)} />
    </Card>
  );
}

/** The re-authentication step: the current password, then on to the provider. */
function ConfirmPasswordDialog({
  provider,
  onClose,
}: {
  provider: SocialProvider | null;
  onClose: () => void;
}) {
  const [password, setPassword] = useState('');
  const go = useAction(async () => {
    if (!provider) return;
    const { url } = await integrations.linkIdentity(provider.name, {
      returnUrl: `${location.origin}${RETURN_PATH}`,
      password,
    });
    location.assign(url);
  });
  const close = () => {
    setPassword('');
    go.reset();
    onClose();
  };
  return (
    <Dialog
      open={provider !== null}
      title={`Link ${provider?.displayName ?? ''}`}
      description="You signed in a while ago: confirm it is you before linking another way to sign in."
      onClose={close}
    >
      <form
        class="stack"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void go.run();
        }}
      >
        <ActionError error={go.error} />
        <Field
          label="Current password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          error={go.fields['password']}
          hint="Without a password, sign out and sign in again, then link within a few minutes."
          onInput={(event) => setPassword(event.currentTarget.value)}
        />
        <FormActions
          submit={`Continue to ${provider?.displayName ?? 'the provider'}`}
          onCancel={close}
          pending={go.pending}
        />
      </form>
    </Dialog>
  );
}
