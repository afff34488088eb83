import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../context.js';
import { authOf, requireAuth } from '../../http/guards.js';
import { deleteAccount } from './deletion.js';
import type { EmailVerification } from './email-verification.js';
import { exportAccount } from './export.js';
import type { PasswordResets } from './password-reset.js';
import type { Reauthentication } from './reauthentication.js';
import {
  ChangeEmailBody,
  DeleteMeBody,
  EmailBody,
  Message,
  ResetPasswordBody,
  TokenBody,
} from './schemas.js';

const FORGOT_ANSWER = 'If an account uses this address, we sent it a link to choose a new password';
const RESEND_ANSWER = 'If an unconfirmed account uses this address, we sent it a new confirmation link';

export interface AccountLifecycleRouteDeps {
  /** Deleting and exporting an account read and write across features' tables. */
  ctx: AppContext;
  passwordResets: PasswordResets;
  emailVerification: EmailVerification;
  reauthentication: Reauthentication;
}

/**
 * The account lifecycle on `/api` (docs/accounts.md): password reset, e-mail verification and change,
 * deleting one's own account and downloading one's data.
 */
export async function accountLifecycleRoutes(
  plugin: FastifyInstance,
  { passwordResets, emailVerification, reauthentication, ctx }: AccountLifecycleRouteDeps,
): Promise<void> {
  // Handlers are typed by their schemas: `request.body.email` is a string because EmailBody says so.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  const signedIn = requireAuth({ refuse: ['api_token'] });

  app.post(
    '/api/password/forgot',
    { schema: { body: EmailBody, response: { 200: Message } }, config: { authentication: 'none' } },
    async (request) => {
      await passwordResets.forgot(request.body.email, request.ip);
      return { message: FORGOT_ANSWER };
    },
  );

  app.post(
    '/api/password/reset',
    { schema: { body: ResetPasswordBody, response: { 200: Message } }, config: { authentication: 'none' } },
    async (request) => {
      const { body } = request;
      await passwordResets.reset(body.token, body.newPassword);
      return { message: 'Password changed; every session was signed out. Sign in with the new password' };
    },
  );

  app.post(
    '/api/email/verify',
    { schema: { body: TokenBody, response: { 200: Message } }, config: { authentication: 'none' } },
    async (request) => {
      const { purpose, user } = await emailVerification.verify(request.body.token);
      return {
        message:
          purpose === 'email_change'
            ? `Your address is now ${user.email}`
            : `Thank you: ${user.email} is confirmed`,
      };
    },
  );

  app.post(
    '/api/email/verify/resend',
    { schema: { body: EmailBody, response: { 200: Message } }, config: { authentication: 'none' } },
    async (request) => {
      await emailVerification.resend(request.body.email, request.ip);
      return { message: RESEND_ANSWER };
    },
  );

  app.post(
    '/api/me/email',
    { schema: { body: ChangeEmailBody, response: { 202: Message } }, preHandler: signedIn },
    async (request, reply) => {
      const auth = authOf(request);
      const { body } = request;
      await reauthentication.assert(auth, body.password);
      await emailVerification.requestChange(auth.user.id, body.email, request.ip);
      reply.status(202);
      return { message: 'We sent a link to the new address: the change applies once it is confirmed' };
    },
  );

  app.delete(
    '/api/me',
    {
      schema: { body: DeleteMeBody, response: { 200: Message } },
      preHandler: signedIn,
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const auth = authOf(request);
      const { body } = request;
      await reauthentication.assert(auth, body.password);
      await deleteAccount(ctx, auth.user.id, { action: body.soleOwnedWorkspaces ?? 'refuse' });
      reply.header('cache-control', 'no-store');
      return { message: 'Your account was deleted' };
    },
  );

  app.get('/api/me/export', { preHandler: signedIn }, async (request, reply) => {
    const data = await exportAccount(ctx, authOf(request).user.id);
    const day = new Date(ctx.now()).toISOString().slice(0, 10);
    reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="gatehouse-account-${day}.json"`);
    return data;
  });
}
