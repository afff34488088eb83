import type { SensitiveChangeProof, TotpEnrolment } from '@gatehouse/sdk';
import { useEffect, useId, useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { CopyButton } from '../../components/copy.js';
import { Dialog } from '../../components/dialog.js';
import { ActionError, Alert, Badge, Loaded } from '../../components/feedback.js';
import { Field } from '../../components/field.js';
import { FormActions } from '../../components/form-actions.js';
import { Card } from '../../components/page.js';
import { useSession } from '../../lib/context.js';
import { plural } from '../../lib/format.js';
import { useAction, useResource } from '../../lib/hooks.js';
import { lazy } from '../../lib/lazy.js';
import { sdk } from '../../lib/sdk.js';

/** The QR encoder is fetched only when someone sets up two-step verification. */
const QrCode = lazy(() => import('../../components/qr-code.js').then((module) => module.QrCode));

/**
 * Two-step verification (TOTP): set it up with an authenticator app, keep the recovery codes (shown once),
 * make new ones, or turn it off. Turning off and new codes need a current code or the password.
 */
export function SecondFactor() {
  const status = useResource(() => sdk.authentication.getSecondFactor(), []);
  const { refresh } = useSession();
  const [enrolling, setEnrolling] = useState(false);
  const [proving, setProving] = useState<'regenerate' | 'disable' | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const enabled = status.data?.enabled === true;
  const done = async () => {
    await status.reload();
    await refresh();
  };
  return (
    <Card
      title="Two-step verification"
      description="After your password, sign-in asks for a code from an authenticator app on your phone."
      actions={
        status.data &&
        (enabled ? (
          <>
            <Button small onClick={() => setProving('regenerate')}>
              New recovery codes
            </Button>
            <Button small variant="danger" onClick={() => setProving('disable')}>
              Turn off
            </Button>
          </>
        ) : (
          <Button small variant="primary" onClick={() => setEnrolling(true)}>
            Set up
          </Button>
        ))
      }
    >
      <Loaded resource={status}>
        <div class="card-body">
          {enabled ? (
            <p>
              <Badge tone="success">On</Badge> {plural(status.data?.recoveryCodesLeft ?? 0, 'recovery code')}{' '}
              left. Each works once, when your phone is not at hand.
            </p>
          ) : (
            <p>
              <Badge>Off</Badge> Anyone with your password can sign in as you. Set up an app such as Google
              Authenticator, 1Password or Aegis.
            </p>
          )}
        </div>
      </Loaded>
      <EnrolDialog
        open={enrolling}
        onClose={() => setEnrolling(false)}
        onEnrolled={async (recoveryCodes) => {
          setEnrolling(false);
          setCodes(recoveryCodes);
          await done();
        }}
      />
      <ProofDialog
        purpose={proving}
        onClose={() => setProving(null)}
        onDone={async (recoveryCodes) => {
          setProving(null);
          if (recoveryCodes) setCodes(recoveryCodes);
          await done();
        }}
      />
      <Dialog open={codes !== null} title="Save your recovery codes" onClose={() => setCodes(null)}>
        {codes && <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />}
      </Dialog>
    </Card>
  );
}

/** Scan (or type the key), then prove it works with the app's first code. */
function EnrolDialog({
  open,
  onClose,
  onEnrolled,
}: {
  open: boolean;
  onClose: () => void;
  onEnrolled: (codes: string[]) => Promise<void>;
}) {
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const start = useAction(async () => setEnrolment(await sdk.authentication.enrolTotp()));
  const confirm = useAction(() => sdk.authentication.confirmTotp(code.replace(/\s/g, '')));
  const id = useId();
  const close = () => {
    setEnrolment(null);
    setCode('');
    start.reset();
    confirm.reset();
    onClose();
  };
  // A new secret each time the dialog opens: an abandoned one is simply replaced.
  useEffect(() => {
    if (open) void start.run();
  }, [open]);
  return (
    <Dialog
      open={open}
      title="Set up two-step verification"
      description="Scan the code with your authenticator app, then enter the 6-digit code it shows."
      onClose={close}
    >
      <ActionError error={start.error} />
      {enrolment ? (
        <form
          class="stack"
          noValidate
          onSubmit={async (event) => {
            event.preventDefault();
            const codes = await confirm.run();
            if (codes) {
              setEnrolment(null);
              setCode('');
              await onEnrolled(codes);
            }
          }}
        >
          <QrCode text={enrolment.otpauthUri} label="QR code for your authenticator app" />
          <div class="field">
            <label for={`${id}-key`}>Or type this key into the app</label>
            <div class="secret">
              <input id={`${id}-key`} type="text" readOnly value={enrolment.secret} class="mono" />
              <CopyButton text={enrolment.secret} inputId={`${id}-key`} label="Copy key" />
            </div>
            <span class="hint">Time-based, 6 digits, every 30 seconds.</span>
          </div>
          <details>
            <summary>Setup link (otpauth URI)</summary>
            <p class="mono small break">{enrolment.otpauthUri}</p>
          </details>
          <ActionError error={confirm.error} />
          <Field
            label="Code from the app"
            inputMode="numeric"
            autocomplete="one-time-code"
            required
            value={code}
            onInput={(event) => setCode(event.currentTarget.value)}
          />
          <FormActions submit="Turn on" onCancel={close} pending={confirm.pending} />
        </form>
      ) : (
        !start.error && <p class="muted">Preparing…</p>
      )}
    </Dialog>
  );
}

/** New recovery codes or turning the factor off: a current code, a recovery code or the password. */
function ProofDialog({
  purpose,
  onClose,
  onDone,
}: {
  purpose: 'regenerate' | 'disable' | null;
  onClose: () => void;
  onDone: (codes?: string[]) => Promise<void>;
}) {
  const [kind, setKind] = useState<'code' | 'password'>('code');
  const [value, setValue] = useState('');
  const proof = (): SensitiveChangeProof =>
    kind === 'password'
      ? { password: value }
      : /-/.test(value)
        ? { recoveryCode: value.trim() }
        : { code: value.replace(/\s/g, '') };
  const act = useAction(
    async () => {
      if (purpose === 'regenerate') return sdk.authentication.regenerateRecoveryCodes(proof());
      await sdk.authentication.disableSecondFactor(proof());
      return [] as string[];
    },
    { success: purpose === 'disable' ? 'Two-step verification is off' : undefined },
  );
  const clear = () => {
    setValue('');
    setKind('code');
    act.reset();
  };
  const close = () => {
    clear();
    onClose();
  };
  const regenerate = purpose === 'regenerate';
  return (
    <Dialog
      open={purpose !== null}
      title={regenerate ? 'Make new recovery codes?' : 'Turn off two-step verification?'}
      description={
        regenerate
          ? 'Your current recovery codes stop working. Confirm it is you.'
          : 'Sign-in will ask for your password only. Confirm it is you.'
      }
      onClose={close}
    >
      <form
        class="stack"
        noValidate
        onSubmit={async (event) => {
          event.preventDefault();
          const codes = await act.run();
          if (codes) {
            clear();
            await onDone(regenerate ? codes : undefined);
          }
        }}
      >
        <ActionError error={act.error} />
        {kind === 'code' ? (
          <Field
            key="code"
            label="Code from the app or a recovery code"
            autocomplete="one-time-code"
            required
            value={value}
            onInput={(event) => setValue(event.currentTarget.value)}
          />
        ) : (
          <Field
            key="password"
            label="Your password"
            type="password"
            autocomplete="current-password"
            required
            value={value}
            onInput={(event) => setValue(event.currentTarget.value)}
          />
        )}
        <Button
          variant="ghost"
          small
          onClick={() => {
            setKind(kind === 'code' ? 'password' : 'code');
            setValue('');
          }}
        >
          {kind === 'code' ? 'Use my password instead' : 'Use a code instead'}
        </Button>
        <FormActions
          submit={regenerate ? 'Make new codes' : 'Turn off'}
          onCancel={close}
          pending={act.pending}
          variant={regenerate ? 'primary' : 'danger'}
        />
      </form>
    </Dialog>
  );
}

/** The recovery codes, once: the server keeps only their hashes. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <div class="stack">
      <Alert kind="warning">
        This is the only time these codes are shown. Keep them somewhere safe, apart from your phone: each one
        signs you in once if you lose it.
      </Alert>
      <ul class="recovery-codes mono" aria-label="Recovery codes">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <div class="row row-end">
        <CopyButton text={codes.join('\n')} label="Copy codes" />
        <Button onClick={onDone}>I saved them</Button>
      </div>
    </div>
  );
}
