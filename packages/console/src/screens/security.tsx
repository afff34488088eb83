import { useState } from 'preact/hooks';
import { Button } from '../components/button.js';
import { ConfirmDialog } from '../components/dialog.js';
import { Page } from '../components/page.js';
import { sdk } from '../lib/sdk.js';
import { ApiTokenInventory } from './security/api-tokens.js';
import { BrowserSessions } from './security/browser-sessions.js';
import { ConnectedApps } from './security/connected-apps.js';
import { SecondFactor } from './security/second-factor.js';
import { TokenSessions } from './security/token-sessions.js';

/**
 * One inventory of everything that can act as the user. Each kind of credential is one card; a kind that
 * lands later is one more card in this list.
 */
const INVENTORY = [BrowserSessions, TokenSessions, ApiTokenInventory, ConnectedApps];

export function Security() {
  const [confirming, setConfirming] = useState(false);
  // Bumped after "sign out everywhere else" so every card reloads what is left.
  const [generation, setGeneration] = useState(0);
  return (
    <Page
      title="Security"
      description="Two-step verification, and everything that can act as you: browsers, apps and scripts signed in with your password, and API tokens. Revoke anything you do not recognise."
      actions={
        <Button variant="danger" onClick={() => setConfirming(true)}>
          Sign out everywhere else
        </Button>
      }
    >
      <SecondFactor />
      {INVENTORY.map((Section) => (
        <Section key={`${Section.name}-${generation}`} />
      ))}
      <ConfirmDialog
        open={confirming}
        title="Sign out everywhere else?"
        message={
          <p>
            Every other browser and every app or script signed in with your password is signed out now. This
            browser stays signed in. API tokens keep working: revoke them one by one below.
          </p>
        }
        confirmLabel="Sign out other sessions"
        success="Signed out everywhere else"
        onConfirm={async () => {
          await sdk.authentication.signOutEverywhereElse();
          setGeneration((n) => n + 1);
        }}
        onClose={() => setConfirming(false)}
      />
    </Page>
  );
}
