import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { secondFactorRequired } from '../features/auth-config/configuration.js';
import type { AuthConfigService } from '../features/auth-config/service.js';
import { AppError } from '../lib/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Reachable by a user the "second factor required" policy still waits for (enrolment, sign-out, /api/me). */
    allowWithoutSecondFactor?: boolean;
  }
}

/**
 * The admin's "second factor required" policy (issue 13): a signed-in user it applies to who has no second
 * factor yet may enrol one and sign out, and nothing else, until they do. API tokens are not held back:
 * they are created from a session, which this policy already covers. A hook of every authenticated `/api`
 * route without `allowWithoutSecondFactor`, right after authentication (http/route-hooks.ts).
 */
export function secondFactorPolicyHook(authConfig: AuthConfigService): preValidationAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const auth = request.auth;
    if (!auth || auth.kind === 'api_token' || auth.user.secondFactor) return;
    if (!secondFactorRequired(await authConfig.get(), auth.user.roles)) return;
    throw new AppError(
      403,
      'SECOND_FACTOR_ENROLMENT_REQUIRED',
      'An administrator requires a second factor: set one up (POST /api/me/second-factor/totp) to continue',
    );
  };
}
