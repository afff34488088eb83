import type { AppContext } from '../../context.js';
import type { AccountService } from '../accounts/service.js';
import { SocialIdentities } from './identities.js';
import { SocialLogin } from './login.js';
import { SocialProviders } from './providers.js';
import { UpstreamClients } from './upstream.js';

/** Social login: provider configuration, the login flow, and linked identities. */
export interface SocialFeature {
  providers: SocialProviders;
  login: SocialLogin;
  identities: SocialIdentities;
}

export function createSocialFeature(ctx: AppContext, accounts: AccountService): SocialFeature {
  const providers = new SocialProviders(ctx);
  const identities = new SocialIdentities(ctx, accounts);
  return {
    providers,
    identities,
    login: new SocialLogin(ctx, providers, new UpstreamClients(ctx.now), identities),
  };
}
