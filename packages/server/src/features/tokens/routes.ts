import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { badRequest, invalidToken, unauthorized } from '../../lib/errors.js';
import { TokenPayload } from '../accounts/schemas.js';
import { completeFirstFactor, type SignInDeps } from '../accounts/sign-in.js';
import { sharedUserView } from '../identity/user-view.js';
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

/** Two places a refresh token may come in that both hold one, and not the same one. */
function differ(a: string | undefined, b: string | undefined): boolean {
  return a !== undefined && b !== undefined && a !== b;
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
      // RFC 6749 §5.1 (no caching of tokens): every /api answer gets `Cache-Control: no-store` from the
      // route hooks (http/api-route.ts), so this one does too, errors included.
      config: { authentication: 'none' },
      // The Qelos SDK posts no body at all; validate that as an empty object. A callback hook: an async one
      // costs a promise and a microtask hop on every rotation.
      preValidation: (request, _reply, done) => {
        request.body ??= {};
        done();
      },
      schema: { body: RefreshBody, response: { 200: TokenPayload } },
    },
    async (request, reply) => {
      const { body } = request;
      const fromBody = body.refreshToken ?? body.refresh_token;
      const fromHeader = bearerCredential(request) || undefined;
      // Each place the token may come in names the same token, or the request is refused.
      if (
        differ(body.refreshToken, body.refresh_token) ||
        differ(body.refreshToken, fromHeader) ||
        differ(body.refresh_token, fromHeader)
      )
        throw badRequest('Send one refresh token, not several');
      const refreshToken = fromBody ?? fromHeader;
      if (!refreshToken) throw unauthorized('A refresh token is required');
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
      // The principal's row is the cached one, so is its view (built once per row, only serialized here).
      const view = sharedUserView(outcome.principal.user, outcome.principal.workspace);
      const { token, refreshToken: next, expiresIn, tokenType } = outcome.tokens;
      return {
        payload: { token, refreshToken: next, expiresIn, tokenType, user: view, workspace: view.workspace },
      };
    },
  );

  app.get('/oauth2/jwks', { schema: { response: { 200: JwksResponse } } }, async (_request, reply) => {
    reply.header('cache-control', `public, max-age=${JWKS_MAX_AGE_SECONDS}`);
    return signingKeys.jwks();
  });
}
