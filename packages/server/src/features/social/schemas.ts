import { type Static, Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);
const Url = Type.String({ minLength: 1, maxLength: 2048 });

export const ProviderParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 64 }) });
export type ProviderParams = Static<typeof ProviderParams>;

/** PUT /api/admin/social-providers/:name: every field optional, merged into what is stored. */
export const ProviderSettings = Type.Object(
  {
    displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    clientId: Type.Optional(Type.String({ minLength: 1, maxLength: 512 })),
    clientSecret: Type.Optional(Type.String({ minLength: 1, maxLength: 2048 })),
    issuer: Type.Optional(Nullable(Url)),
    authorizationEndpoint: Type.Optional(Nullable(Url)),
    tokenEndpoint: Type.Optional(Nullable(Url)),
    userinfoEndpoint: Type.Optional(Nullable(Url)),
    scopes: Type.Optional(Nullable(Type.String({ maxLength: 1024 }))),
    returnOrigins: Type.Optional(Type.Array(Url, { maxItems: 50 })),
    autoRegister: Type.Optional(Type.Boolean()),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ProviderSettings = Static<typeof ProviderSettings>;

/** The admin view: `clientSecretSet` says whether a secret is stored; the secret itself is never sent. */
export const ProviderView = Type.Object({
  name: Type.String(),
  displayName: Type.String(),
  builtin: Type.Boolean(),
  enabled: Type.Boolean(),
  clientId: Type.String(),
  clientSecretSet: Type.Boolean(),
  issuer: Nullable(Type.String()),
  authorizationEndpoint: Nullable(Type.String()),
  tokenEndpoint: Nullable(Type.String()),
  userinfoEndpoint: Nullable(Type.String()),
  scopes: Type.String(),
  returnOrigins: Type.Array(Type.String()),
  autoRegister: Type.Boolean(),
  callbackUrl: Type.String(),
  created: Type.String(),
  updated: Type.String(),
});

/** A provider as a public sign-in page may show it. */
export const SignInProviderView = Type.Object({
  name: Type.String(),
  displayName: Type.String(),
  /** Where a "Continue with …" button sends the browser (add `state` and `returnUrl`). */
  url: Type.String(),
});
