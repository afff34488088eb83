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

/** A live token sign-in (refresh-token family) as its owner sees it; never a token or a hash. */
export const TokenSessionView = Type.Object({
  _id: Type.String(),
  /** True for the family of the access token making this request. */
  current: Type.Boolean(),
  createdAt: Type.String(),
  /** The sign-in or the latest refresh, whichever came last. */
  lastUsedAt: Type.String(),
  /** The sooner of the absolute and the idle end: without a refresh by then it is over. */
  expiresAt: Type.String(),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  workspace: Type.Union([Type.Object({ _id: Type.String(), name: Type.String() }), Type.Null()]),
});
export type TokenSessionView = Static<typeof TokenSessionView>;

export const TokenSessionParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
