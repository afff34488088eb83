import { useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { Dialog } from '../../components/dialog.js';
import { ActionError, Alert, Badge } from '../../components/feedback.js';
import { Field } from '../../components/field.js';
import { FormActions } from '../../components/form-actions.js';
import { Card } from '../../components/page.js';
import { useSession } from '../../lib/context.js';
import { useAction } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';

/**
 * The sign-in address: whether it is confirmed (with a new link on request), and changing it, which
 * applies only once the link sent to the new address is used.
 */
export function EmailCard() {
  const { user } = useSession();
  const [changing, setChanging] = useState(false);
  const resend = useAction(() => sdk.authentication.resendVerificationEmail(user.email), {
    success: (answer) => answer.message,
  });
  return (
    <Card
      title="Email address"
      description="Where your reset links and notices go, and what you sign in with."
      actions={
        <Button small onClick={() => setChanging(true)}>
          Change address
        </Button>
      }
    >
      <div class="card-body">
        <p class="row">
          <strong class="break">{user.email}</strong>
          {user.emailVerified ? (
            <Badge tone="success">Confirmed</Badge>
          ) : (
            <Badge tone="danger">Not confirmed</Badge>
          )}
        </p>
        {!user.emailVerified && (
          <div class="row">
            <span class="muted small">Use the link we sent you to confirm it's yours.</span>
            <Button small pending={resend.pending} onClick={() => void resend.run()}>
              Send a new link
            </Button>
          </div>
        )}
        <ActionError error={resend.error} />
      </div>
      <ChangeEmailDialog open={changing} onClose={() => setChanging(false)} />
    </Card>
  );
}

function ChangeEmailDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [sent, setSent] = useState<string | null>(null);
  const change = useAction(() =>
    sdk.authentication.changeEmail({ email: email.trim(), ...(password && { password }) }),
  );
  const close = () => {
    setEmail('');
    setPassword('');
    setSent(null);
    change.reset();
    onClose();
  };
  return (
    <Dialog
      open={open}
      title="Change your email address"
      description="We send a link to the new address; nothing changes until it is used."
      onClose={close}
    >
      {sent ? (
        <div class="stack">
          <Alert kind="success">{sent}</Alert>
          <div class="row row-end">
            <Button onClick={close}>Done</Button>
          </div>
        </div>
      ) : (
        <form
          class="stack"
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            const answer = await change.run();
            if (answer) setSent(answer.message);
          }}
        >
          <ActionError error={change.error} />
          <Field
            label="New email"
            type="email"
            autocomplete="email"
            required
            value={email}
            error={change.fields['email']}
            onInput={(event) => setEmail(event.currentTarget.value)}
          />
          <Field
            label="Current password"
            type="password"
            autocomplete="current-password"
            hint="Needed unless you signed in a few minutes ago."
            value={password}
            onInput={(event) => setPassword(event.currentTarget.value)}
          />
          <FormActions submit="Send the link" onCancel={close} pending={change.pending} />
        </form>
      )}
    </Dialog>
  );
}
