import { readFileSync } from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import DefaultExport, {
  type ApiToken,
  type AuthorizationCallback,
  type AuthorizationRequest,
  type AuthorizationServerMetadata,
  type CreatedApiToken,
  createGatehouseClient,
  type GatehouseError,
  type GatehouseErrorCode,
  GatehouseSDK,
  type IdTokenClaims,
  type IntrospectionResponse,
  type OAuthTokenSet,
  type Session,
  type SessionSignin,
  type TokenSet,
  type TokenSignin,
  type User,
  type UserInfo,
  type Workspace,
  type WorkspaceActivation,
} from '../src/index.js';

const sdk = new GatehouseSDK({ appUrl: 'https://auth.example.com' });

describe('public API', () => {
  it('exports GatehouseSDK both by name and as the default export', () => {
    expect(DefaultExport).toBe(GatehouseSDK);
  });

  it('has the Qelos method names on sdk.authentication and sdk.workspaces', () => {
    for (const name of [
      'signup',
      'signin',
      'oAuthSignin',
      'oAuthSignup',
      'apiTokenSignin',
      'getLoggedInUser',
      'updateLoggedInUser',
      'refreshToken',
      'logout',
      'listApiTokens',
      'createApiToken',
      'deleteApiToken',
      'listSessions',
      'revokeSession',
      'changePassword',
      'getSocialLoginUrl',
      'startSocialLogin',
      'exchangeAuthCallback',
    ] as const) {
      expect(typeof sdk.authentication[name], name).toBe('function');
    }
    for (const name of [
      'getList',
      'getWorkspace',
      'create',
      'update',
      'remove',
      'activate',
      'leave',
      'getMembers',
    ] as const) {
      expect(typeof sdk.workspaces[name], name).toBe('function');
    }
    for (const name of ['list', 'add', 'updateRole', 'remove'] as const) {
      expect(typeof sdk.workspaces.members[name], name).toBe('function');
    }
  });

  it("has seed 003's client: createGatehouseClient, sdk.oauth2 and sdk.auth's token-set methods", () => {
    expect(createGatehouseClient({ appUrl: 'https://auth.example.com' })).toBeInstanceOf(GatehouseSDK);
    for (const name of [
      'discover',
      'buildAuthorizationUrl',
      'parseAuthorizationCallback',
      'exchangeAuthorizationCode',
      'clientCredentials',
      'refreshToken',
      'revokeToken',
      'introspect',
      'userinfo',
      'validateIdToken',
    ] as const) {
      expect(typeof sdk.oauth2[name], name).toBe('function');
    }
    for (const name of ['getTokenSet', 'setTokenSet', 'clearTokenSet'] as const) {
      expect(typeof sdk.auth[name], name).toBe('function');
    }
    expectTypeOf(sdk.oauth2.discover).returns.resolves.toEqualTypeOf<AuthorizationServerMetadata>();
    expectTypeOf(sdk.oauth2.buildAuthorizationUrl).returns.resolves.toEqualTypeOf<AuthorizationRequest>();
    expectTypeOf(sdk.oauth2.parseAuthorizationCallback).returns.toEqualTypeOf<AuthorizationCallback>();
    expectTypeOf(sdk.oauth2.exchangeAuthorizationCode).returns.resolves.toEqualTypeOf<OAuthTokenSet>();
    expectTypeOf(sdk.oauth2.clientCredentials).returns.resolves.toEqualTypeOf<OAuthTokenSet>();
    expectTypeOf(sdk.oauth2.refreshToken).returns.resolves.toEqualTypeOf<TokenSet>();
    expectTypeOf(sdk.oauth2.revokeToken).returns.resolves.toEqualTypeOf<void>();
    expectTypeOf(sdk.oauth2.introspect).returns.resolves.toEqualTypeOf<IntrospectionResponse>();
    expectTypeOf(sdk.oauth2.userinfo).returns.resolves.toEqualTypeOf<UserInfo>();
    expectTypeOf(sdk.oauth2.validateIdToken).returns.resolves.toEqualTypeOf<IdTokenClaims>();
    expectTypeOf<'ID_TOKEN_INVALID'>().toExtend<GatehouseErrorCode>();
  });

  it('types the wire objects each method resolves to', () => {
    expectTypeOf(sdk.authentication.signin).returns.resolves.toEqualTypeOf<SessionSignin>();
    expectTypeOf(sdk.authentication.oAuthSignin).returns.resolves.toEqualTypeOf<TokenSignin>();
    expectTypeOf(sdk.authentication.getLoggedInUser).returns.resolves.toEqualTypeOf<User>();
    expectTypeOf(sdk.authentication.apiTokenSignin).returns.resolves.toEqualTypeOf<User>();
    expectTypeOf(sdk.authentication.listApiTokens).returns.resolves.toEqualTypeOf<ApiToken[]>();
    expectTypeOf(sdk.authentication.createApiToken).returns.resolves.toEqualTypeOf<CreatedApiToken>();
    expectTypeOf(sdk.authentication.listSessions).returns.resolves.toEqualTypeOf<Session[]>();
    expectTypeOf(sdk.workspaces.getList).returns.resolves.toEqualTypeOf<Workspace[]>();
    expectTypeOf(sdk.workspaces.activate).returns.resolves.toEqualTypeOf<WorkspaceActivation>();
    expectTypeOf(sdk.auth.getTokenSet).returns.resolves.toEqualTypeOf<TokenSet | null>();
    expectTypeOf<GatehouseError['code']>().toEqualTypeOf<GatehouseErrorCode>();
    expectTypeOf<'REFRESH_FAILED'>().toExtend<GatehouseErrorCode>();
  });

  it('documents every public method with TSDoc carrying an @example', () => {
    const srcDir = new URL('../src/', import.meta.url);
    // The public surface is what index.ts re-exports; other modules are internals.
    const index = readFileSync(new URL('index.ts', srcDir), 'utf8');
    const publicFiles = [...index.matchAll(/from '\.\/([\w/-]+)\.js'/g)].map((match) => `${match[1]}.ts`);
    expect(publicFiles).toContain('authentication.ts');
    expect(publicFiles).toContain('oauth2/oauth2.ts');
    const undocumented: string[] = [];
    for (const file of new Set(publicFiles)) {
      const source = readFileSync(new URL(file, srcDir), 'utf8');
      const lines = source.split('\n');
      lines.forEach((line, index) => {
        const method = /^ {2}(?:async )?([a-zA-Z]\w*)\(/.exec(line)?.[1];
        if (!method || method === 'constructor') return;
        const before = lines.slice(Math.max(0, index - 40), index).join('\n');
        const doc = before.slice(before.lastIndexOf('/**'));
        if (!doc.includes('@example') || doc.includes('\n  }')) undocumented.push(`${file}: ${method}`);
      });
    }
    expect(undocumented).toEqual([]);
  });
});
