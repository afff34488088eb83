import { randomBytes } from 'node:crypto';
import formbody from '@fastify/formbody';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RouteOptions,
} from 'fastify';
import { pino } from 'pino';
import type { Config } from './config/load.js';
import type { AppContext } from './context.js';
import { accountPageRoutes } from './features/account-pages/routes.js';
import { adminUserRoutes } from './features/accounts/admin-routes.js';
import { accountLifecycleRoutes } from './features/accounts/lifecycle-routes.js';
import { accountRoutes } from './features/accounts/routes.js';
import { signInOptionsRoutes } from './features/accounts/sign-in-options.js';
import { deploymentSettingsRoutes } from './features/admin/deployment-settings.js';
import { adminRoutes } from './features/admin/routes.js';
import { apiTokenRoutes } from './features/api-tokens/routes.js';
import { auditRoutes } from './features/audit/routes.js';
import { authConfigRoutes } from './features/auth-config/routes.js';
import { findConsoleBuild } from './features/console/build-output.js';
import { consoleRoutes } from './features/console/routes.js';
import { landingRoutes } from './features/landing/routes.js';
import { noMetrics } from './features/metrics/recorder.js';
import { registerMetrics } from './features/metrics/routes.js';
import { oauthRoutes } from './features/oauth/routes.js';
import { qelosWireRoutes } from './features/qelos-wire/routes.js';
import { secondFactorRoutes } from './features/second-factor/routes.js';
import { sessionRoutes } from './features/sessions/routes.js';
import { socialProviderAdminRoutes } from './features/social/admin-routes.js';
import { socialLoginRoutes } from './features/social/routes.js';
import { tokenRoutes } from './features/tokens/routes.js';
import { tokenSessionRoutes } from './features/tokens/session-routes.js';
import { registerWorkspaceRequestData } from './features/workspaces/guard.js';
import { invitationRoutes } from './features/workspaces/invitation-routes.js';
import { memberRoutes } from './features/workspaces/member-routes.js';
import { workspaceRoutes } from './features/workspaces/routes.js';
import { registerAccessLog } from './http/access-log.js';
import { registerAuthContext } from './http/authenticate.js';
import { registerCookies } from './http/cookies.js';
import { registerCors } from './http/cors.js';
import { registerErrorHandler } from './http/error-handler.js';
import { healthRoutes } from './http/health.js';
import { nulInFormBody, registerJsonBodyParser } from './http/json-body.js';
import { loggerOptions } from './http/logging.js';
import { registerOpenApi } from './http/openapi.js';
import { registerRequestDefaults } from './http/request-defaults.js';
import { lazyRequestLogger } from './http/request-logger.js';
import { registerRouteHooks } from './http/route-hooks.js';
import { securityHeaderWriter } from './http/security-headers.js';
import { registerLazySerializers } from './http/serialization.js';
import { fastifyTrustProxy } from './http/trust-proxy.js';
import { registerValidators } from './http/validation.js';
import { loadMasterKey, SecretBox } from './lib/master-key.js';
import { PasswordHasher } from './lib/passwords.js';
import { preferSmallHeap } from './lifecycle/heap-growth.js';
import { Readiness } from './lifecycle/readiness.js';
import { waitForDatabase } from './lifecycle/wait-for-database.js';
import { createServices, type Services } from './services.js';
import { assertDatabaseExists, assertMigrated } from './storage/command-checks.js';
import { openStorage, type Storage } from './storage/database.js';
import { createInvalidationBus } from './storage/invalidation.js';
import { migrateToLatest } from './storage/migrate.js';

export type { Config } from './config/load.js';
export { loadConfig } from './config/load.js';

declare module 'fastify' {
  interface FastifyInstance {
    gatehouse: Services;
    /** Not-ready while shutting down (lifecycle/shutdown.ts). */
    readiness: Readiness;
  }
}

export interface BuildOptions {
  /** Skip pino output (tests). */
  logger?: boolean;
  /** Send log lines here instead of stdout (tests read them to prove secrets are redacted). */
  logStream?: { write(line: string): void };
  /** Use this storage instead of opening one from the configuration. */
  storage?: Storage;
  /** Replaces the clock (tests). */
  now?: () => number;
  /** Called for every route as it is registered (tests enumerate the routes, e.g. to fuzz each one). */
  onRoute?: (route: RouteOptions) => void;
  /**
   * Built for a one-off command line, not to serve: never creates the first signing key (a key sealed with
   * whatever master key the shell holds would stop the real server later). `read` also never migrates,
   * creates a file or generates a master key: it refuses a database that is missing or behind instead.
   */
  command?: 'read' | 'write';
}

/** Builds the server: opens storage, applies migrations, wires every feature. Never listens (tests inject). */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  if (options.command === 'read') assertDatabaseExists(config);
  // A server, not a one-off command: its heap is sized for memory from here on (heap-growth.ts).
  if (options.command === undefined) preferSmallHeap();
  // One logger for the app: Fastify's request logs and the features' own lines (failures below HTTP).
  const destination = options.logger === false ? undefined : (options.logStream ?? pino.destination(1));
  const log: FastifyBaseLogger = destination
    ? pino(loggerOptions(config.logLevel), destination)
    : pino({ enabled: false });
  const storage =
    options.storage ??
    openStorage(config.database, {
      log,
      queryTimeoutMs: config.reliability.databaseQueryTimeout * 1000,
    });
  if (!options.storage) await waitForDatabase(storage, config.database, config.reliability.databaseWait, log);
  if (options.command === 'read') await assertMigrated(storage, config);
  else await migrateToLatest(storage);
  const bus = createInvalidationBus(storage, log);
  // SQLite: a commit from another process (the shell) drops every cache that follows the bus, as a change
  // published by this process would; the request hook looks for one once per event-loop turn (request-defaults.ts).
  storage.externalChanges?.subscribe(() => void bus.publish('*'));
  const hasher = new PasswordHasher(config.argon2);
  // Off unless GATEHOUSE_METRICS_TOKEN is set (docs/deployment.md#metrics); one-off commands serve nothing.
  // prom-client is loaded only then: a server without metrics does not carry it in memory.
  const metrics =
    config.metricsToken !== undefined && options.command === undefined
      ? new (await import('./features/metrics/prometheus.js')).PrometheusMetrics({
          pool: storage.pool,
          outage: storage.outage,
          listening: () => bus.listening,
          subscribe: (listener) => bus.subscribe(listener),
          hashing: () => hasher.load,
        })
      : undefined;
  const ctx: AppContext = {
    config,
    storage,
    log,
    bus,
    hasher,
    metrics: metrics ?? noMetrics,
    // A read-only command opens no sealed secret, so it neither reads nor creates the master key file.
    secrets: new SecretBox(options.command === 'read' ? randomBytes(32) : loadMasterKey(config)),
    now: options.now ?? Date.now,
  };
  const services = createServices(ctx);

  const app = Fastify({
    loggerInstance: log,
    // registerAccessLog writes the one line per request instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    childLoggerFactory: lazyRequestLogger,
    bodyLimit: config.bodyLimit,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    // Path spelling must not dodge a rate limit: /API/SIGNIN and /api/signin/ reach the same route.
    routerOptions: { caseSensitive: false, ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    // A request that reaches a closing server on a kept-alive connection is answered (with
    // `Connection: close`), not refused; idle keep-alive connections are closed at once (Fastify's default).
    return503OnClosing: false,
  });
  app.decorate('gatehouse', services);
  const readiness = new Readiness();
  app.decorate('readiness', readiness);
  // While shutting down, every answer asks its client to reconnect (to another instance), and requests that
  // arrive on a kept-alive connection are still answered rather than refused.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (readiness.draining) reply.header('connection', 'close');
    done(null, payload);
  });
  // The access line, to the same destination at the same level, put together without pino (access-log.ts).
  registerAccessLog(app, destination && { level: config.logLevel, stream: destination });
  // Before any route: what /api routes do before their handlers is attached to each as it is added.
  registerAuthContext(app);
  registerRouteHooks(app, { authenticators: services.authenticators, authConfig: services.authConfig });
  if (metrics && config.metricsToken) registerMetrics(app, { metrics, token: config.metricsToken });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);

  // Never framed, by anyone: CSP's `frame-ancestors 'none'`, and X-Frame-Options DENY for browsers without
  // CSP level 2 (helmet's default SAMEORIGIN would let a same-origin page frame the login and consent pages).
  const securityHeaders = await securityHeaderWriter({
    contentSecurityPolicy: { directives: { 'frame-ancestors': ["'none'"] } },
    frameguard: { action: 'deny' },
  });
  // CORS never reflects an arbitrary origin: only the public URL's and the configured ones get credentials.
  const cors = await registerCors(app, {
    origin: config.allowedOrigins,
    credentials: true,
    // Every method the API uses: @fastify/cors answers preflights with GET, HEAD and POST only by default,
    // which breaks the SDK's workspaces.update (PATCH), setUserRoles (PUT) and every DELETE in a browser.
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    exposedHeaders: ['retry-after', 'warning'],
  });
  registerRequestDefaults(app, { securityHeaders, cors, externalChanges: storage.externalChanges });
  // The API reference collects every route registered after it; one-off commands serve nothing.
  if (options.command === undefined) registerOpenApi(app, config);
  registerCookies(app);
  await app.register(formbody);
  registerJsonBodyParser(app);
  registerValidators(app);
  registerLazySerializers(app);
  registerErrorHandler(app, { preValidation: nulInFormBody });
  registerWorkspaceRequestData(app);

  await app.register(healthRoutes, { storage, readiness, bus: ctx.bus });
  await app.register(accountRoutes, {
    ...services.signIn,
    now: ctx.now,
    principals: services.principals,
    mailer: services.mailer,
    emailVerification: services.emailVerification,
  });
  await app.register(signInOptionsRoutes, { config, socialProviders: services.social.providers });
  await app.register(sessionRoutes, {
    config,
    sessions: services.sessions,
    tokens: services.tokens,
    accounts: services.accounts,
  });
  await app.register(workspaceRoutes, { ...services.workspaces, tokens: services.tokens });
  await app.register(memberRoutes, services.workspaces);
  await app.register(invitationRoutes, { ...services.workspaces, authConfig: services.authConfig });
  await app.register(adminRoutes, { admin: services.admin, audit: services.audit });
  await app.register(deploymentSettingsRoutes, { config });
  await app.register(tokenRoutes, {
    tokens: services.tokens,
    signingKeys: services.signingKeys,
    socialLogin: services.social.login,
    signIn: services.signIn,
    createSigningKey: options.command === undefined,
  });
  await app.register(tokenSessionRoutes, { tokens: services.tokens });
  await app.register(apiTokenRoutes, {
    apiTokens: services.apiTokens,
    apiTokenRotation: services.apiTokenRotation,
    now: ctx.now,
  });
  await app.register(authConfigRoutes, {
    authConfig: services.authConfig,
    mailer: services.mailer,
    audit: services.audit,
  });
  await app.register(accountLifecycleRoutes, {
    ctx,
    passwordResets: services.passwordResets,
    emailVerification: services.emailVerification,
    reauthentication: services.reauthentication,
  });
  await app.register(secondFactorRoutes, { secondFactor: services.secondFactor });
  await app.register(adminUserRoutes, { userAdmin: services.userAdmin });
  await app.register(auditRoutes, { audit: services.audit });
  // Found once: the account pages send browsers on to the console only when it is served.
  const consoleBuild = findConsoleBuild();
  await app.register(accountPageRoutes, {
    passwordResets: services.passwordResets,
    emailVerification: services.emailVerification,
    productName: config.mail.productName,
    consoleServed: consoleBuild !== undefined,
  });
  await app.register(oauthRoutes, {
    oauth: services.oauth,
    audit: services.audit,
    config,
    now: ctx.now,
    accounts: services.accounts,
    authConfig: services.authConfig,
    secondFactor: services.secondFactor,
    sessions: services.sessions,
    principals: services.principals,
    social: { providers: services.social.providers, login: services.social.login },
  });
  await app.register(socialProviderAdminRoutes, {
    providers: services.social.providers,
    audit: services.audit,
  });
  await app.register(socialLoginRoutes, {
    config,
    login: services.social.login,
    identities: services.social.identities,
    reauthentication: services.reauthentication,
    signIn: services.signIn,
  });
  await app.register(qelosWireRoutes, { principals: services.principals });
  await app.register(consoleRoutes, { build: consoleBuild });
  await app.register(landingRoutes, { config, consoleServed: consoleBuild !== undefined });

  app.addHook('onClose', async () => {
    // Before storage closes: batched API-token usage must reach the database at a clean shutdown.
    await services.sweeper.stop();
    await services.apiTokens.close();
    await services.mailer.close();
    await ctx.bus.close();
    if (!options.storage) await storage.close();
  });
  return app;
}
