import type { AppContext } from './context.js';
import { UserAdministration } from './features/accounts/administration.js';
import { EmailVerification } from './features/accounts/email-verification.js';
import { PasswordResets } from './features/accounts/password-reset.js';
import { Reauthentication } from './features/accounts/reauthentication.js';
import { AccountService } from './features/accounts/service.js';
import type { SignInDeps } from './features/accounts/sign-in.js';
import { AdminService } from './features/admin/service.js';
import { apiTokenAuthenticator } from './features/api-tokens/authenticator.js';
import { ApiTokenExpiryNotices } from './features/api-tokens/expiry-notices.js';
import { ApiTokenRotation } from './features/api-tokens/rotation.js';
import { ApiTokenService } from './features/api-tokens/service.js';
import { AuditTrail } from './features/audit/audit-trail.js';
import { AuthConfigService } from './features/auth-config/service.js';
import { SWEEP_BATCH, Sweeper } from './features/housekeeping/sweep.js';
import { PrincipalLoader } from './features/identity/principals.js';
import { Mailer } from './features/mail/mailer.js';
import { OAuthFeature } from './features/oauth/feature.js';
import { SecondFactorService } from './features/second-factor/service.js';
import { sessionAuthenticator } from './features/sessions/authenticator.js';
import { SessionService } from './features/sessions/service.js';
import { SigningKeyRing } from './features/signing-keys/key-ring.js';
import { createSocialFeature, type SocialFeature } from './features/social/feature.js';
import { bearerAuthenticator } from './features/tokens/authenticator.js';
import { TokenService } from './features/tokens/service.js';
import { createWorkspaceFeature, type WorkspaceFeature } from './features/workspaces/feature.js';
import type { Authenticator } from './http/auth-context.js';

export interface Services {
  ctx: AppContext;
  principals: PrincipalLoader;
  accounts: AccountService;
  sessions: SessionService;
  /** Admin-editable authentication settings (API token policy), cached and invalidated over the bus. */
  authConfig: AuthConfigService;
  apiTokens: ApiTokenService;
  apiTokenRotation: ApiTokenRotation;
  /** E-mails owners before their API tokens expire; a job of the sweep. */
  apiTokenNotices: ApiTokenExpiryNotices;
  /** Deletes expired rows and runs its jobs every GATEHOUSE_SWEEP_INTERVAL (started by `gatehouse start`). */
  sweeper: Sweeper;
  /** The JWT signing keys shared by every instance (JWKS, rotation); sign with `signingKey(alg)`. */
  signingKeys: SigningKeyRing;
  /** Access + refresh token pair: refresh rotation, reuse detection, bearer verification. */
  tokens: TokenService;
  /** Workspaces, members, invites, switching the active workspace, and the workspace route guards. */
  workspaces: WorkspaceFeature;
  /** Users' global roles and the deployment's custom roles. */
  admin: AdminService;
  /** Outgoing e-mail (SMTP, or the log in development). */
  mailer: Mailer;
  passwordResets: PasswordResets;
  emailVerification: EmailVerification;
  /** "Recent authentication" for sensitive changes. */
  reauthentication: Reauthentication;
  secondFactor: SecondFactorService;
  /** The admin audit trail. */
  audit: AuditTrail;
  /** Admin actions on accounts: create, invite, disable, delete, sign out, passwords. */
  userAdmin: UserAdministration;
  /** The OAuth 2.0 / OpenID Connect authorization server: clients, codes, grants. */
  oauth: OAuthFeature;
  /** Social login: providers, the login flow, linked identities. */
  social: SocialFeature;
  /** What finishing a sign-in needs (accounts/sign-in.ts): every route that signs people in gets it. */
  signIn: SignInDeps;
  /** In the documented order: x-api-key, cookie, bearer. */
  authenticators: Authenticator[];
}

/** The composition root: every feature's service, built once per app. */
export function createServices(ctx: AppContext): Services {
  const principals = new PrincipalLoader(ctx);
  const accounts = new AccountService(ctx);
  const sessions = new SessionService(ctx);
  const authConfig = new AuthConfigService(ctx);
  const apiTokens = new ApiTokenService(ctx, principals, authConfig);
  const signingKeys = new SigningKeyRing(ctx);
  const tokens = new TokenService(ctx, signingKeys, principals);
  const mailer = new Mailer(ctx.config.mail, ctx.log);
  const passwordResets = new PasswordResets(ctx, mailer);
  const reauthentication = new Reauthentication(ctx);
  const audit = new AuditTrail(ctx);
  const secondFactor = new SecondFactorService(ctx, reauthentication);
  const apiTokenNotices = new ApiTokenExpiryNotices(ctx, mailer);
  return {
    ctx,
    principals,
    accounts,
    sessions,
    authConfig,
    apiTokens,
    apiTokenRotation: new ApiTokenRotation(ctx, principals, authConfig),
    apiTokenNotices,
    sweeper: new Sweeper(ctx, SWEEP_BATCH, [apiTokenNotices]),
    signingKeys,
    tokens,
    workspaces: createWorkspaceFeature(ctx, { principals, sessions }),
    admin: new AdminService(ctx),
    mailer,
    passwordResets,
    emailVerification: new EmailVerification(ctx, mailer),
    reauthentication,
    secondFactor,
    audit,
    userAdmin: new UserAdministration(ctx, accounts, passwordResets, audit, mailer),
    oauth: new OAuthFeature(ctx, { signingKeys, tokens, principals, sessions, authConfig }),
    social: createSocialFeature(ctx, accounts),
    signIn: { config: ctx.config, accounts, sessions, tokens, secondFactor, authConfig },
    authenticators: [
      apiTokenAuthenticator(apiTokens, authConfig),
      sessionAuthenticator(ctx, sessions, principals),
      bearerAuthenticator(tokens, principals),
    ],
  };
}
