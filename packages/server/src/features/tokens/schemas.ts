import { type Static, Type } from '@sinclair/typebox';

/** 256 random bits base64url is 43 characters; the bound only stops absurd inputs before hashing. */
const RefreshTokenValue = Type.String({ minLength: 1, maxLength: 512 });

/** JSON body of POST /api/token/refresh; the Qelos wire sends the token as a bearer header instead. */
export const RefreshBody = Type.Object(
  {
    refreshToken: Type.Optional(RefreshTokenValue),
    refresh_token: Type.Optional(RefreshTokenValue),
  },
  { additionalProperties: false },
);
export type RefreshBody = Static<typeof RefreshBody>;

/**
 * RFC 7517 JWK Set of public keys. As a response schema it also serialises only these members, so a
 * private parameter could never be written out even if one slipped into a key object.
 */
export const JwksResponse = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.String(),
      kid: Type.String(),
      alg: Type.String(),
      use: Type.String(),
      crv: Type.Optional(Type.String()),
      x: Type.Optional(Type.String()),
      y: Type.Optional(Type.String()),
      n: Type.Optional(Type.String()),
      e: Type.Optional(Type.String()),
    }),
  ),
});
