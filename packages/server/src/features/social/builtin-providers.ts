/**
 * The providers Gatehouse knows by name, with their real endpoints. Google and LinkedIn speak OpenID
 * Connect (found through their issuer's discovery document); GitHub and Facebook are plain OAuth 2.0 with
 * their own profile APIs. Every endpoint can be overridden per deployment (that is how tests point them at
 * local servers).
 */
export type ProfileShape = 'oidc' | 'github' | 'facebook';

export interface BuiltinProvider {
  displayName: string;
  shape: ProfileShape;
  /** OpenID Connect issuer, for discovery (OIDC shapes only). */
  issuer?: string;
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  userinfoEndpoint?: string;
  scopes: string;
  /** How the provider wants the client secret at its token endpoint. */
  clientAuth: 'client_secret_basic' | 'client_secret_post';
}

export const BUILTIN_PROVIDERS: Readonly<Record<string, BuiltinProvider>> = {
  google: {
    displayName: 'Google',
    shape: 'oidc',
    issuer: 'https://accounts.google.com',
    scopes: 'openid email profile',
    clientAuth: 'client_secret_basic',
  },
  linkedin: {
    displayName: 'LinkedIn',
    shape: 'oidc',
    // "Sign In with LinkedIn using OpenID Connect"; LinkedIn takes the secret in the form body only.
    issuer: 'https://www.linkedin.com/oauth',
    scopes: 'openid profile email',
    clientAuth: 'client_secret_post',
  },
  github: {
    displayName: 'GitHub',
    shape: 'github',
    authorizationEndpoint: 'https://github.com/login/oauth/authorize',
    tokenEndpoint: 'https://github.com/login/oauth/access_token',
    // The e-mails come from `<userinfo>/emails` (GET /user/emails), which says which one is verified.
    userinfoEndpoint: 'https://api.github.com/user',
    scopes: 'read:user user:email',
    clientAuth: 'client_secret_post',
  },
  facebook: {
    displayName: 'Facebook',
    shape: 'facebook',
    authorizationEndpoint: 'https://www.facebook.com/v19.0/dialog/oauth',
    tokenEndpoint: 'https://graph.facebook.com/v19.0/oauth/access_token',
    userinfoEndpoint: 'https://graph.facebook.com/v19.0/me',
    scopes: 'email public_profile',
    clientAuth: 'client_secret_post',
  },
};

/** A generic OpenID Connect provider: everything comes from its issuer's discovery document. */
export const GENERIC_OIDC: BuiltinProvider = {
  displayName: '',
  shape: 'oidc',
  scopes: 'openid email profile',
  clientAuth: 'client_secret_basic',
};

export function builtinProvider(name: string): BuiltinProvider | undefined {
  return Object.hasOwn(BUILTIN_PROVIDERS, name) ? BUILTIN_PROVIDERS[name] : undefined;
}
