import type { AuthConfiguration, DeploymentSettings } from '@gatehouse/sdk';
import { useEffect, useState } from 'preact/hooks';
import { Button } from '../../components/button.js';
import { ActionError, Alert, Badge, LoadError, Loading } from '../../components/feedback.js';
import { Checkbox, Field, SelectField } from '../../components/field.js';
import { Card, Page } from '../../components/page.js';
import { useAction, useResource } from '../../lib/hooks.js';
import { sdk } from '../../lib/sdk.js';
import { RolePicker } from './role-picker.js';

export function AdminSettings() {
  return (
    <Page title="Authentication" description="How people and programs may sign in to this server.">
      <SignInPolicy />
      <ApiTokenPolicy />
      <Deployment />
    </Page>
  );
}

function ApiTokenPolicy() {
  const stored = useResource(() => sdk.admin.getAuthConfiguration(), []);
  const globalRoles = useResource(() => sdk.admin.listRoles('global'), []);
  const workspaceRoles = useResource(() => sdk.admin.listRoles('workspace'), []);
  const [form, setForm] = useState<AuthConfiguration | null>(null);
  useEffect(() => {
    if (stored.data) setForm(stored.data);
  }, [stored.data]);
  const save = useAction(
    async () => {
      if (!form) return;
      // Only this card's settings: the sign-in card saves its own, and must not be overwritten with a stale copy.
      const { emailVerification: _e, requireSecondFactor: _r, ...tokens } = form;
      setForm(await sdk.admin.updateAuthConfiguration(tokens));
      return true;
    },
    { success: 'Settings saved. Every instance applies them on its next request.' },
  );
  if (stored.error)
    return (
      <Card title="API tokens">
        <LoadError error={stored.error} retry={stored.reload} />
      </Card>
    );
  if (!form)
    return (
      <Card title="API tokens">
        <Loading />
      </Card>
    );
  const set = (changes: Partial<AuthConfiguration>) => setForm({ ...form, ...changes });
  const permissions = form.tokenAuthenticationPermissions;
  return (
    <Card title="API tokens" description="Applies at once, to new and existing tokens alike.">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save.run();
        }}
      >
        <div class="card-body">
          <ActionError error={save.error} />
          <Checkbox
            label="Allow API tokens"
            description="Off: nobody can create one, and every existing token is refused until it is turned back on."
            checked={form.allowUserTokenAuthentication}
            onChange={(event) => set({ allowUserTokenAuthentication: event.currentTarget.checked })}
          />
          <div class="grid-2">
            <RolePicker
              legend="Global roles that may use API tokens"
              roles={(globalRoles.data ?? []).map((role) => role.name)}
              value={permissions.roles}
              disabled={!form.allowUserTokenAuthentication}
              onChange={(roles) => set({ tokenAuthenticationPermissions: { ...permissions, roles } })}
            />
            <RolePicker
              legend="…or workspace roles, for tokens bound to that workspace"
              roles={(workspaceRoles.data ?? []).map((role) => role.name)}
              value={permissions.wsRoles}
              disabled={!form.allowUserTokenAuthentication}
              onChange={(wsRoles) => set({ tokenAuthenticationPermissions: { ...permissions, wsRoles } })}
            />
          </div>
          <Field
            label="Active tokens per user"
            type="number"
            min={1}
            max={10000}
            required
            value={form.maxTokensPerUser}
            onInput={(event) => set({ maxTokensPerUser: Number(event.currentTarget.value) })}
            error={save.fields['maxTokensPerUser']}
          />
          <Checkbox
            label="Allow tokens that never expire"
            description="Also allows expiry dates more than a year away. Leaked keys that never die stay useful to an attacker."
            checked={form.allowNeverExpiring}
            onChange={(event) => set({ allowNeverExpiring: event.currentTarget.checked })}
          />
          <Checkbox
            label="Accept the token in the ?api_key= query parameter"
            description="Besides the x-api-key header. URLs end up in logs, proxies and browser history."
            checked={form.allowQueryParameter}
            onChange={(event) => set({ allowQueryParameter: event.currentTarget.checked })}
          />
        </div>
        <div class="card-footer">
          <span class="muted small">Stored in the database and shared by every instance.</span>
          <Button type="submit" variant="primary" pending={save.pending}>
            Save settings
          </Button>
        </div>
      </form>
    </Card>
  );
}

type SignInSettings = Pick<AuthConfiguration, 'emailVerification' | 'requireSecondFactor'>;

/** What a password is not enough for: a confirmed address, a second factor. */
function SignInPolicy() {
  const stored = useResource(() => sdk.admin.getAuthConfiguration(), []);
  const [form, setForm] = useState<SignInSettings | null>(null);
  useEffect(() => {
    if (stored.data)
      setForm({
        emailVerification: stored.data.emailVerification,
        requireSecondFactor: stored.data.requireSecondFactor,
      });
  }, [stored.data]);
  const save = useAction(
    async () => {
      if (!form) return;
      const saved = await sdk.admin.updateAuthConfiguration(form);
      setForm({ emailVerification: saved.emailVerification, requireSecondFactor: saved.requireSecondFactor });
      return true;
    },
    { success: 'Sign-in requirements saved' },
  );
  if (stored.error)
    return (
      <Card title="Sign-in requirements">
        <LoadError error={stored.error} retry={stored.reload} />
      </Card>
    );
  if (!form)
    return (
      <Card title="Sign-in requirements">
        <Loading />
      </Card>
    );
  return (
    <Card title="Sign-in requirements" description="What people need besides their password.">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void save.run();
        }}
      >
        <div class="card-body">
          <ActionError error={save.error} />
          <div class="grid-2">
            <SelectField
              label="E-mail confirmation"
              value={form.emailVerification}
              hint="Required: nobody signs in until they used the link sent to their address. Needs e-mail set up."
              onChange={(event) =>
                setForm({
                  ...form,
                  emailVerification: event.currentTarget.value as SignInSettings['emailVerification'],
                })
              }
              options={[
                { value: 'off', label: 'Off: send no confirmation links' },
                { value: 'optional', label: 'Optional: send a link at sign-up' },
                { value: 'required', label: 'Required before signing in' },
              ]}
            />
            <SelectField
              label="Two-step verification"
              value={form.requireSecondFactor}
              hint="Those it applies to can only set it up, until they do."
              onChange={(event) =>
                setForm({
                  ...form,
                  requireSecondFactor: event.currentTarget.value as SignInSettings['requireSecondFactor'],
                })
              }
              options={[
                { value: 'off', label: 'Each person chooses' },
                { value: 'admins', label: 'Required for administrators' },
                { value: 'everyone', label: 'Required for everyone' },
              ]}
            />
          </div>
        </div>
        <div class="card-footer">
          <span class="muted small">Applies from the next request, on every instance.</span>
          <Button type="submit" variant="primary" pending={save.pending}>
            Save requirements
          </Button>
        </div>
      </form>
    </Card>
  );
}

const duration = (seconds: number): string => {
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units)
    if (seconds >= size && seconds % size === 0)
      return `${seconds / size} ${unit}${seconds / size === 1 ? '' : 's'}`;
  return `${seconds} seconds`;
};

function Deployment() {
  const settings = useResource(() => sdk.admin.getDeploymentSettings(), []);
  const data: DeploymentSettings | undefined = settings.data;
  return (
    <Card
      title="Set by the deployment"
      description="Read from GATEHOUSE_* environment variables at start. To change one, change the variable and restart the server."
    >
      {settings.loading && !data ? (
        <Loading />
      ) : settings.error || !data ? (
        <LoadError error={settings.error ?? 'Not available'} retry={settings.reload} />
      ) : (
        <div class="card-body">
          <Alert kind="info">These are read-only here: they are part of how the server was deployed.</Alert>
          <div class="grid-2">
            <Facts
              title="Sign-up"
              rows={[
                [
                  'Self-service sign-up',
                  <Badge key="s" tone={data.signup === 'open' ? 'success' : 'neutral'}>
                    {data.signup}
                  </Badge>,
                  'GATEHOUSE_SIGNUP',
                ],
                ['Public URL', data.publicUrl, 'GATEHOUSE_PUBLIC_URL'],
                ['Invitation links last', duration(data.inviteTtl), 'GATEHOUSE_INVITE_TTL'],
              ]}
            />
            <Facts
              title="Lockout"
              rows={[
                [
                  'Failed sign-ins before a lock',
                  String(data.lockout.threshold),
                  'GATEHOUSE_LOCKOUT_THRESHOLD',
                ],
                ['First lock', duration(data.lockout.baseSeconds), 'GATEHOUSE_LOCKOUT_BASE_SECONDS'],
                ['Longest lock', duration(data.lockout.maxSeconds), 'GATEHOUSE_LOCKOUT_MAX_SECONDS'],
                [
                  'Failed sign-ins forgotten after',
                  duration(data.lockout.decaySeconds),
                  'GATEHOUSE_LOCKOUT_DECAY_SECONDS',
                ],
                [
                  'Sign-ins per IP per minute',
                  String(data.lockout.signinRatePerMinute),
                  'GATEHOUSE_SIGNIN_RATE_PER_MINUTE',
                ],
              ]}
            />
            <Facts
              title="Browser sessions"
              rows={[
                ['Idle timeout', duration(data.sessions.idleTtl), 'GATEHOUSE_SESSION_IDLE_TTL'],
                ['Longest session', duration(data.sessions.absoluteTtl), 'GATEHOUSE_SESSION_ABSOLUTE_TTL'],
                [
                  '“Keep me signed in”',
                  duration(data.sessions.rememberTtl),
                  'GATEHOUSE_SESSION_REMEMBER_TTL',
                ],
              ]}
            />
            <Facts
              title="Token sign-ins"
              rows={[
                ['Access token', duration(data.tokens.accessTtl), 'GATEHOUSE_ACCESS_TOKEN_TTL'],
                [
                  'Refresh token, unused',
                  duration(data.tokens.refreshIdleTtl),
                  'GATEHOUSE_REFRESH_TOKEN_IDLE_TTL',
                ],
                ['Refresh token family', duration(data.tokens.refreshTtl), 'GATEHOUSE_REFRESH_TOKEN_TTL'],
              ]}
            />
          </div>
        </div>
      )}
    </Card>
  );
}

function Facts({ title, rows }: { title: string; rows: [string, preact.ComponentChildren, string][] }) {
  return (
    <section class="stack" aria-label={title}>
      <h3>{title}</h3>
      <dl class="facts">
        {rows.map(([label, value, variable]) => (
          <>
            <dt key={`${label}-t`}>{label}</dt>
            <dd key={`${label}-d`}>
              {value}
              <span class="cell-sub mono">{variable}</span>
            </dd>
          </>
        ))}
      </dl>
    </section>
  );
}
