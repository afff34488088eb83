import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../lib/errors.js';
import { PASSWORD_MIN } from '../../lib/passwords.js';
import type { EmailVerification } from '../accounts/email-verification.js';
import { LINK_INVALID_MESSAGE } from '../accounts/links.js';
import type { PasswordResets } from '../accounts/password-reset.js';
import { form, message, page } from './html.js';

const TokenQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 128 })) });
const PasswordForm = Type.Object({
  token: Type.String({ minLength: 1, maxLength: 128 }),
  newPassword: Type.String({ minLength: 1, maxLength: 1024 }),
});
const VerifyForm = Type.Object({ token: Type.String({ minLength: 1, maxLength: 128 }) });

/**
 * The pages the e-mailed links open (`/account/…?token=…`). Opening a link changes nothing (mail scanners
 * fetch links); the form on the page does, through the same services as the JSON API. The token sits in
 * the URL, so these pages send no Referer and are never cached (RFC 9111 §5.2.2.5).
 *
 * When the web console is served, a browser opening a usable link is sent on to the console's page for it
 * (same look as the rest, and sign-in right after). Browsers say a navigation is one with
 * `Sec-Fetch-Dest: document`; anything else (curl, a mail scanner, an old browser) gets the plain form,
 * which works without script.
 */
export interface AccountPageDeps {
  passwordResets: PasswordResets;
  emailVerification: EmailVerification;
  /** The product name the pages show (GATEHOUSE_MAIL_PRODUCT_NAME). */
  productName: string;
  consoleServed?: boolean | undefined;
}

export async function accountPageRoutes(
  plugin: FastifyInstance,
  { passwordResets, emailVerification, productName: product, consoleServed = false }: AccountPageDeps,
): Promise<void> {
  // Handlers are typed by their schemas: `request.query.token` is an optional string because TokenQuery says so.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();

  const send = (reply: FastifyReply, status: number, title: string, body: string) =>
    reply
      .status(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .send(page(product, title, body));

  /** The service's public message for anything it refuses; anything else goes to the error handler. */
  const failure = (error: unknown) => {
    if (error instanceof AppError) return error.message;
    throw error;
  };

  /** Sends a browser's navigation to the console's page of the same name, the token with it. */
  const toConsole = (request: FastifyRequest, reply: FastifyReply, page: string, token: string) => {
    if (!consoleServed || request.headers['sec-fetch-dest'] !== 'document') return undefined;
    const target = `/console/${page}?${new URLSearchParams({ token }).toString()}`;
    return reply
      .header('cache-control', 'no-store')
      .header('referrer-policy', 'no-referrer')
      .redirect(target, 303);
  };

  function passwordPage(path: string, title: string, submit: string) {
    app.get(path, { schema: { querystring: TokenQuery } }, async (request, reply) => {
      const { token } = request.query;
      if (!token || !(await passwordResets.isUsable(token)))
        return send(reply, 400, title, message(LINK_INVALID_MESSAGE, 'error'));
      const browser = toConsole(request, reply, path.slice('/account/'.length), token);
      if (browser) return browser;
      const field = {
        name: 'newPassword',
        label: 'New password',
        type: 'password',
        autocomplete: 'new-password',
        hint: `At least ${PASSWORD_MIN} characters. Every session will be signed out.`,
      };
      return send(reply, 200, title, form(path, token, [field], submit));
    });

    app.post(path, { schema: { body: PasswordForm } }, async (request, reply) => {
      const { body } = request;
      try {
        const user = await passwordResets.reset(body.token, body.newPassword);
        return send(reply, 200, title, message(`Your password is set. Sign in as ${user.email}.`));
      } catch (error) {
        return send(reply, 400, title, message(failure(error), 'error'));
      }
    });
  }

  passwordPage('/account/reset-password', 'Choose a new password', 'Set password');
  passwordPage('/account/welcome', 'Welcome: choose your password', 'Set password');

  app.get('/account/verify-email', { schema: { querystring: TokenQuery } }, async (request, reply) => {
    const { token } = request.query;
    if (!token) return send(reply, 400, 'Confirm your address', message(LINK_INVALID_MESSAGE, 'error'));
    const browser = toConsole(request, reply, 'verify-email', token);
    if (browser) return browser;
    return send(reply, 200, 'Confirm your address', form('/account/verify-email', token, [], 'Confirm'));
  });

  app.post('/account/verify-email', { schema: { body: VerifyForm } }, async (request, reply) => {
    try {
      const { user } = await emailVerification.verify(request.body.token);
      return send(reply, 200, 'Address confirmed', message(`Thank you: ${user.email} is confirmed.`));
    } catch (error) {
      return send(reply, 400, 'Confirm your address', message(failure(error), 'error'));
    }
  });
}
