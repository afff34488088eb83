import type { AppContext } from '../../context.js';
import { SocialProviders } from './providers.js';

/** Social login: provider configuration, the login flow, and linked identities. */
export interface SocialFeature {
  providers: SocialProviders;
}

export function createSocialFeature(ctx: AppContext): SocialFeature {
  return { providers: new SocialProviders(ctx) };
}
