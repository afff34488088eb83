import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { badRequest, invalidToken, unauthorized } from '../../lib/errors.js';
import { TokenPayload } from '../accounts/schemas.js';
import { completeFirstFactor, type SignInDeps } from '../accounts/sign-in.js';
import { userView } from '../identity/user-view.js';
import { SOCIAL_AMR } from '../sessions/amr.js';
import type { SigningKeyRing } from '../signing-keys/key-ring.js';
import type { SocialLogin } from '../social/login.js';
import { bearerCredential } from './authenticator.js';
import { JwksResponse, RefreshBody } from './schemas.js';
import type { TokenService } from './service.js';

/** How long relying parties may cache the JWKS; after a rotation they refetch on the unknown `kid`. */
const JWKS_MAX_AGE_SECONDS = 300;

export interface TokenRouteDeps {
  tokens: TokenService;
  signingKeys: SigningKeyRing;
  /** A social login's one-time `rt` may be redeemed here instead of a refresh token (seed 001). */
  socialLogin: Pick<SocialLogin, 'redeem'>;
  /** Finishing that social sign-in as a token pair. */
  signIn: SignInDeps;
  /** False for a command-line run (see below). */
  createSigningKey?: boolean | undefined;
}

/** POST /api/token/refresh (the Qelos wire) and GET /oauth2/jwks (RFC 7517). */
export async function tokenRoutes(
  plugin: FastifyInstance,
  { tokens, signingKeys, socialLogin, signIn, createSigningKey = true }: TokenRouteDeps,
): Promise<void> {
  // Handlers are typed by their schemas: the refresh answer must be a TokenPayload, whichever path made it.
  const app = plugin.withTypeProvider<TypeBoxTypeProvider>();
  // First start creates the signing key here (once, even when instances start together), so the JWKS is
  // never empty and a wrong master key fails the start rather than the first sign-in. A command-line run
  // does not: it would seal the key with the shell's master key, not necessarily the server's.
  if (createSigningKey) await signingKeys.signingKey('EdDSA');

  app.post(
    '/api/token/refresh',
    {
      // The bearer credential on this route is a refresh token: the access-token authenticator must not see it.
      config: { authentication: 'none' },
      // The Qelos SDK posts no body at all; validate that as an empty object.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: { body: RefreshBody, response: { 200: TokenPayload } },
    },
    async (request, reply) => {
      const { body } = request;
      const fromBody = body.refreshToken ?? body.refresh_token;
      const fromHeader = bearerCredential(request) || undefined;
      const given = [body.refreshToken, body.refresh_token, fromHeader].filter((v) => v !== undefined);
      if (new Set(given).size > 1) throw badRequest('Send one refresh token, not several');
      const refreshToken = fromBody ?? fromHeader;
      if (!refreshToken) throw unauthorized('A refresh token is required');
      // RFC 6749 §5.1: responses carrying tokens must not be cached.
      reply.header('cache-control', 'no-store');
      const outcome = await tokens.refresh(refreshToken);
      if (!outcome.ok) {
        if (outcome.reused) {
          request.log.warn(
            { familyId: outcome.familyId, userId: outcome.userId },
            'rotated refresh token reused: token family revoked',
          );
        }
        // Seed 001: the one-time `rt` of a social login may be swapped here for a token pair instead of a cookie.
        const socialUser = outcome.reused ? undefined : await socialLogin.redeem(refreshToken);
        if (socialUser)
          return completeFirstFactor(signIn, request, reply, socialUser, {
            authType: 'oauth',
            amr: SOCIAL_AMR,
          });
        throw invalidToken('The refresh token is invalid or expired');
      }
      const view = userView(outcome.principal.user, outcome.principal.workspace);
      return { payload: { ...outcome.tokens, user: view, workspace: view.workspace } };
    },
  );

  app.get('/oauth2/jwks', { schema: { response: { 200: JwksResponse } } }, async (_request, reply) => {
    reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    return signingKeys.jwks();
  });
}
