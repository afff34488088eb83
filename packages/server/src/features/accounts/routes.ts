import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../http/auth-context.js';
import { authOf, requireAuth } from '../../http/guards.js';
import { assertSameOrigin } from '../../http/same-origin.js';
import { AppError, badRequest, forbidden, unauthorized } from '../../lib/errors.js';
import type { Services } from '../../services.js';
import type { SecondFactorProof } from '../second-factor/service.js';
import {
  ChangePasswordBody,
  Message,
  SecondFactorSigninBody,
  SessionPayload,
  SigninBody,
  SignupBody,
  TokenPayload,
  UpdateMeBody,
  UserView,
  VerificationPending,
} from './schemas.js';
import { assertMaySignIn, completeFirstFactor, startSession } from './sign-in.js';
import { userView } from './user-view.js';

// The serializer uses the first schema that matches: TokenPayload first, or the token fields are dropped.
const SignInResponse = { 200: { anyOf: [TokenPayload, SessionPayload] }, 202: VerificationPending };

/** Exactly one of `code` and `recoveryCode`. */
function secondFactorProof(body: SecondFactorSigninBody): SecondFactorProof {
  if (body.code !== undefined && body.recoveryCode === undefined) return { code: body.code };
  if (body.recoveryCode !== undefined && body.code === undefined) return { recoveryCode: body.recoveryCode };
  throw badRequest('Send either code or recoveryCode', { code: 'send code or recoveryCode' });
}

/** /api/signup, /api/signin, /api/me and password change: the Qelos wire shapes (HTTP-API.md). */
export async function accountRoutes(
  app: FastifyInstance,
  { services }: { services: Services },
): Promise<void> {
  const { accounts, ctx } = services;
  /** Sign-in and sign-up create a session, so a foreign origin must not drive them (login CSRF). */
  const refuseForeignOrigin = async (request: FastifyRequest) =>
    assertSameOrigin(request, ctx.config.allowedOrigins);

  app.post(
    '/api/signup',
    {
      schema: { body: SignupBody, response: SignInResponse },
      config: { authentication: 'none' },
      preValidation: refuseForeignOrigin,
    },
    async (request, reply) => {
      const body = request.body as SignupBody;
      // The Qelos wire may send only `username`, holding the address (its `email` is optional).
      const email = body.email ?? body.username;
      if (email === undefined) throw badRequest('email is required', { email: 'is required' });
      const user = await accounts.signup({ ...body, email }, request.ip);
      const { emailVerification } = await services.authConfig.get();
      if (emailVerification !== 'off' && services.mailer.available)
        await services.emailVerification.sendLink(user);
      if (emailVerification === 'required') {
        // No session until the address is confirmed: the link in the e-mail comes first.
        reply.status(202);
        return {
          message: `We sent a link to ${user.email}: confirm your address, then sign in`,
          emailVerificationRequired: true,
        };
      }
      reply.status(200);
      return startSession(services, request, reply, user, { authType: body.authType });
    },
  );

  app.post(
    '/api/signin',
    {
      schema: { body: SigninBody, response: SignInResponse },
      config: { authentication: 'none' },
      preValidation: refuseForeignOrigin,
    },
    async (request, reply) => {
      const body = request.body as SigninBody;
      const login = body.username ?? body.email;
      if (!login) throw badRequest('username or email is required', { username: 'is required' });
      const user = await accounts.authenticate(login, body.password, request.ip);
      return completeFirstFactor(services, request, reply, user, body);
    },
  );

  app.post(
    '/api/signin/second-factor',
    {
      schema: { body: SecondFactorSigninBody, response: SignInResponse },
      config: { authentication: 'none' },
      preValidation: refuseForeignOrigin,
    },
    async (request, reply) => {
      const body = request.body as SecondFactorSigninBody;
      const proof = secondFactorProof(body);
      const pending = await services.secondFactor.completeChallenge(body.challenge, proof);
      await assertMaySignIn(services, pending.user);
      return startSession(services, request, reply, pending.user, pending);
    },
  );

  app.get(
    '/api/me',
    {
      schema: { response: { 200: UserView } },
      preHandler: requireAuth({ scope: 'profile:read' }),
      // The user the second-factor policy holds back still needs to see who they are.
      config: { allowWithoutSecondFactor: true },
    },
    async (request) => {
      const auth = authOf(request);
      const principal = await services.principals.load(auth.user.id, auth.workspace?.id ?? null);
      if (!principal) throw unauthorized();
      return userView(principal.user, auth.workspace);
    },
  );

  app.post(
    '/api/me',
    {
      schema: { body: UpdateMeBody, response: { 200: UserView } },
      preHandler: requireAuth({ scope: 'profile:write' }),
    },
    async (request) => {
      const auth = authOf(request);
      // `updateLoggedInUser` may send the whole user back: ids, e-mail, roles and workspace are read-only
      // here (the schema accepts them so the call works; they are never applied).
      const body = request.body as UpdateMeBody;
      if (body.password !== undefined) await changePasswordInProfile(auth, body.password);
      const row = await accounts.updateProfile(auth.user.id, {
        username: body.username?.trim(),
        firstName: body.firstName?.trim(),
        lastName: body.lastName?.trim(),
        metadata: body.metadata === undefined ? undefined : JSON.stringify(body.metadata),
        phone: body.phone,
        birthDate: body.birthDate,
      });
      return userView(row, auth.workspace);
    },
  );

  /**
   * A new `password` inside POST /api/me (the Qelos wire has no current-password field): accepted only from
   * a session that signed in within the re-authentication window, never from an API token; every other
   * session and token sign-in ends, as with any password change.
   */
  async function changePasswordInProfile(auth: AuthContext, password: string): Promise<void> {
    if (auth.kind === 'api_token')
      throw forbidden('A password cannot be changed with an API token', 'CREDENTIAL_NOT_ALLOWED');
    const window = ctx.config.accounts.reauthenticationWindow * 1000;
    if (auth.authenticatedAt === undefined || ctx.now() - auth.authenticatedAt > window)
      throw new AppError(
        403,
        'REAUTHENTICATION_REQUIRED',
        'Changing the password needs a recent sign-in: sign in again, or use POST /api/me/password with the current password',
      );
    await accounts.setPassword(auth.user.id, password, {
      sessionId: auth.sessionId,
      familyId: auth.familyId,
    });
  }

  app.post(
    '/api/me/password',
    {
      schema: { body: ChangePasswordBody, response: { 200: Message } },
      preHandler: requireAuth({ refuse: ['api_token'] }),
    },
    async (request) => {
      const auth = authOf(request);
      const body = request.body as ChangePasswordBody;
      // Every other session and token sign-in ends with the old password, in the same transaction.
      await accounts.changePassword(auth.user.id, body.currentPassword, body.newPassword, {
        sessionId: auth.sessionId,
        familyId: auth.familyId,
      });
      return { message: 'Password changed' };
    },
  );
}
