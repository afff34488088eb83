import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config/load.js';
import type { SocialProviders } from '../social/providers.js';
import { SignInProviderView } from '../social/schemas.js';

/** What a sign-in page may offer; public, so it carries nothing but what the page shows anyway. */
export const SignInOptionsView = Type.Object({
  /** Whether `POST /api/signup` accepts self-service accounts. */
  signup: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
  /** The enabled social providers, for "Continue with …" buttons (docs/social-login.md). */
  providers: Type.Array(SignInProviderView),
});

/**
 * GET /api/sign-in-options: lets a sign-in page (the console's, or an application's) offer "Create an
 * account" only when sign-up is open, instead of finding out from a 403 after the person filled the form.
 */
export async function signInOptionsRoutes(
  app: FastifyInstance,
  { config, socialProviders }: { config: Config; socialProviders: Pick<SocialProviders, 'enabled'> },
): Promise<void> {
  app.get(
    '/api/sign-in-options',
    { schema: { response: { 200: SignInOptionsView } }, config: { authentication: 'none' } },
    async () => ({
      signup: config.signup,
      providers: (await socialProviders.enabled()).map((p) => ({
        name: p.name,
        displayName: p.displayName,
        url: new URL(`/api/auth/${p.name}`, config.publicUrl).href,
      })),
    }),
  );
}
