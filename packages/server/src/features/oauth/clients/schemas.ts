import { type Static, Type } from '@sinclair/typebox';

const Uri = Type.String({ minLength: 1, maxLength: 2000 });
const Ttl = Type.Union([Type.Integer({ minimum: 1, maximum: 365 * 24 * 3600 }), Type.Null()]);

/** PATCH /api/admin/oauth/clients/:id: any of the settings, camelCase like the rest of /api. */
export const UpdateClientBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    redirectUris: Type.Optional(Type.Array(Uri, { maxItems: 50 })),
    grantTypes: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 3 })),
    scope: Type.Optional(Type.String({ maxLength: 2000 })),
    resources: Type.Optional(Type.Array(Uri, { maxItems: 20 })),
    public: Type.Optional(Type.Boolean()),
    applicationType: Type.Optional(Type.Union([Type.Literal('web'), Type.Literal('native')])),
    trusted: Type.Optional(Type.Boolean()),
    accessTokenTtl: Type.Optional(Ttl),
    refreshTokenTtl: Type.Optional(Ttl),
    idTokenSignedResponseAlg: Type.Optional(
      Type.Union([Type.Literal('RS256'), Type.Literal('ES256'), Type.Literal('EdDSA')]),
    ),
  },
  { additionalProperties: false },
);
export type UpdateClientBody = Static<typeof UpdateClientBody>;

/** POST /api/admin/oauth/clients: the same settings, `name` required. */
export const CreateClientBody = Type.Composite(
  [
    Type.Omit(UpdateClientBody, ['name']),
    Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }),
  ],
  { additionalProperties: false },
);
export type CreateClientBody = Static<typeof CreateClientBody>;

export const ClientParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const ClientViewSchema = Type.Object({
  client_id: Type.String(),
  name: Type.String(),
  public: Type.Boolean(),
  application_type: Type.String(),
  redirect_uris: Type.Array(Type.String()),
  grant_types: Type.Array(Type.String()),
  scope: Type.String(),
  resources: Type.Array(Type.String()),
  trusted: Type.Boolean(),
  access_token_ttl: Type.Union([Type.Integer(), Type.Null()]),
  refresh_token_ttl: Type.Union([Type.Integer(), Type.Null()]),
  id_token_signed_response_alg: Type.String(),
  created_at: Type.String(),
  updated_at: Type.String(),
});

/** The one response that carries the secret: creation and rotation. */
export const ClientWithSecret = Type.Object({
  client: ClientViewSchema,
  client_id: Type.String(),
  client_secret: Type.Optional(Type.String()),
});
