import { type Static, Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/load.js';
import { requireAuth } from '../../http/guards.js';

/**
 * The authentication settings fixed by the deployment's environment (GATEHOUSE_* variables, read at start):
 * shown to admins read-only, next to the runtime-editable ones of /api/admin/auth-configuration. Durations
 * are in seconds. Nothing secret: no master key, no database URL, no admin password.
 */
export const DeploymentSettings = Type.Object({
  signup: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  publicUrl: Type.String(),
  sessions: Type.Object({
    idleTtl: Type.Integer(),
    absoluteTtl: Type.Integer(),
    rememberTtl: Type.Integer(),
  }),
  tokens: Type.Object({
    accessTtl: Type.Integer(),
    refreshTtl: Type.Integer(),
    refreshIdleTtl: Type.Integer(),
  }),
  lockout: Type.Object({
    threshold: Type.Integer(),
    baseSeconds: Type.Integer(),
    maxSeconds: Type.Integer(),
    decaySeconds: Type.Integer(),
    signinRatePerMinute: Type.Integer(),
  }),
  inviteTtl: Type.Integer(),
});
export type DeploymentSettings = Static<typeof DeploymentSettings>;

export function deploymentSettings(config: Config): DeploymentSettings {
  return {
    signup: config.signup,
    publicUrl: config.publicUrl.origin,
    sessions: { ...config.session },
    tokens: {
      accessTtl: config.tokens.accessTtl,
      refreshTtl: config.tokens.refreshTtl,
      refreshIdleTtl: config.tokens.refreshIdleTtl,
    },
    lockout: {
      threshold: config.throttle.lockoutThreshold,
      baseSeconds: config.throttle.lockoutBaseSeconds,
      maxSeconds: config.throttle.lockoutMaxSeconds,
      decaySeconds: config.throttle.lockoutDecaySeconds,
      signinRatePerMinute: config.throttle.signinRatePerMinute,
    },
    inviteTtl: config.workspaces.inviteTtl,
  };
}

/** GET /api/admin/deployment-settings: global admins only, never with an API token. */
export async function deploymentSettingsRoutes(
  app: FastifyInstance,
  { config }: { config: Config },
): Promise<void> {
  const settings = deploymentSettings(config);
  app.get(
    '/api/admin/deployment-settings',
    {
      schema: { response: { 200: DeploymentSettings } },
      preHandler: requireAuth({ role: 'admin', refuse: ['api_token'] }),
    },
    async () => settings,
  );
}
