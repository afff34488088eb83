import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AuthContext } from '../../http/auth-context.js';
import { authOf, requireAuth } from '../../http/guards.js';
import { assertSameOrigin } from '../../http/same-origin.js';
import { SerializedOnce } from '../../http/serialized-once.js';
import { AppError, badRequest, forbidden, unauthorized } from '../../lib/errors.js';
import type { Principal, PrincipalLoader } from '../identity/principals.js';
import { UserView } from '../identity/schemas.js';
import { sharedUserView, type UserView as UserViewShape, userView } from '../identity/user-view.js';
import type { Mailer } from '../mail/mailer.js';
import type { SecondFactorProof } from '../second-factor/service.js';
import { PASSWORD_AMR } from '../sessions/amr.js';
import type { EmailVerification } from './email-verification.js';
import {
  ChangePasswordBody,
  Message,
  SecondFactorSigninBody,
  SessionPayload,
  SigninBody,
  SignupBody,
  TokenPayload,
  UpdateMeBody,
  VerificationPending,
} from './schemas.js';
import { assertMaySignIn, completeFirstFactor, type SignInDeps, startSession } from './sign-in.js';

/** GET /api/me's body, serialized once per shared user view (identity/user-view.ts). */
const meBodies = new SerializedOnce<UserViewShape>();

function sendMe(reply: FastifyReply, principal: Principal | null, auth: AuthContext): void {
  if (!principal) throw unauthorized();
  meBodies.send(reply, sharedUserView(principal.user, auth.workspace));
}

// The serializer uses the first schema that matches: TokenPayload first, or the token fields are dropped.
const SignInResponse = { 200: Type.Union([TokenPayload, SessionPayload]), 202: VerificationPending };

export interface AccountRouteDeps extends SignInDeps {
  now: () => number;
  principals: PrincipalLoader;
  mailer: Pick<Mailer, 'available'>;
  emailVerification: EmailVerification;
}

/** Exactly one of `code` and `recoveryCode`. */
function secondFactorProof(body: SecondFactorSigninBody): SecondFactorProof {
  if (body.code !== undefined && body.recoveryCode === undefined) return { code: body.code };
  if (body.recoveryCode !== undefined && body.code === undefined) return { recoveryCode: body.recoveryCode };
  throw badRequest('Send either code or recoveryCode', { code: 'send code or recoveryCode' });
}

/** /api/signup, /api/signin, /api/me and password change: the Qelos wire shapes (HTTP-API.md). */
export async function accountRoutes(plugin: FastifyInstance, deps: AccountRouteDeps): Promise<void> {
  // Handlers are typed by their schemas: `request.body.password` is a string because SigninBody says so.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const { accounts, config } = deps;
  /** Sign-in and sign-up create a session, so a foreign origin must not drive them (login CSRF). */
  const refuseForeignOrigin = async (request: FastifyRequest) =>
    assertSameOrigin(request, config.allowedOrigins);

  app.post(
    '/api/signup',
    {
      schema: { body: SignupBody, response: SignInResponse },
      config: { authentication: 'none' },
      preValidation: refuseForeignOrigin,
    },
    async (request, reply) => {
      const { body } = request;
      // The Qelos wire may send only `username`, holding the address (its `email` is optional).
      const email = body.email ?? body.username;
      if (email === undefined) throw badRequest('email is required', { email: 'is required' });
      const user = await accounts.signup({ ...body, email }, request.ip);
      const { emailVerification } = await deps.authConfig.get();
      if (emailVerification !== 'off' && deps.mailer.available) await deps.emailVerification.sendLink(user);
      if (emailVerification === 'required') {
        // No session until the address is confirmed: the link in the e-mail comes first.
        reply.status(202);
        return {
          message: `We sent a link to ${user.email}: confirm your address, then sign in`,
          emailVerificationRequired: true as const,
        };
      }
      reply.status(200);
      // The person just chose the password that protects the account: the session began with it.
      return startSession(deps, request, reply, user, { authType: body.authType, amr: PASSWORD_AMR });
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
      const { body } = request;
      const login = body.username ?? body.email;
      if (!login) throw badRequest('username or email is required', { username: 'is required' });
      const { user, guess } = await accounts.authenticateForSession(login, body.password, request.ip);
      try {
        return await completeFirstFactor(deps, request, reply, user, { ...body, amr: PASSWORD_AMR, guess });
      } finally {
        // The right password's budget starts over before the answer, whatever the answer (throttle.ts).
        await guess?.settle();
      }
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
      const { body } = request;
      const proof = secondFactorProof(body);
      const pending = await deps.secondFactor.completeChallenge(body.challenge, proof);
      await assertMaySignIn(deps, pending.user);
      return startSession(deps, request, reply, pending.user, pending);
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
    // Not async: with the principal cached (the steady state), the answer is sent with no promise at all.
    (request, reply) => {
      const auth = authOf(request);
      const workspaceId = auth.workspace?.id ?? null;
      // Authentication of this very request looked for changes made from the shell (principals.ts).
      const principal = deps.principals.cached(auth.user.id, workspaceId);
      if (principal !== undefined) return sendMe(reply, principal, auth);
      return deps.principals.load(auth.user.id, workspaceId).then((loaded) => sendMe(reply, loaded, auth));
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
      const { body } = request;
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
    const window = config.accounts.reauthenticationWindow * 1000;
    if (auth.authenticatedAt === undefined || deps.now() - auth.authenticatedAt > window)
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
      const { body } = request;
      // Every other session and token sign-in ends with the old password, in the same transaction.
      await accounts.changePassword(auth.user.id, body.currentPassword, body.newPassword, {
        sessionId: auth.sessionId,
        familyId: auth.familyId,
      });
      return { message: 'Password changed' };
    },
  );
}
