/**
 * What every server under test shares: the seed data, the one OAuth client, and the ready/shutdown
 * handshake with the harness. Plain ESM run by plain `node`, so no TypeScript loader sits in a server's
 * memory or start-up (types: common.d.mts).
 */

/** Every seeded account's password. */
export const SEED_PASSWORD = 'bench correct horse battery';

/** The email (and username) of seeded account `index`. */
export function seedEmail(index) {
  return `bench-${index}@example.test`;
}

/** oidc-provider's one confidential client, and the resource for which it issues JWT access tokens. */
export const OIDC_CLIENT = { id: 'bench-client', secret: 'bench-client-secret-0123456789abcdef' };
export const OIDC_JWT_RESOURCE = 'urn:gatehouse-bench:api';

/** Tells the harness the server listens (and hands it credentials minted in-process). */
export function announce(server, credentials = {}) {
  const address = server.address();
  process.send?.({
    type: 'ready',
    port: typeof address === 'object' && address ? address.port : 0,
    credentials,
  });
}

/**
 * Runs `close` once on SIGTERM, SIGINT or when the harness goes away, then exits with process.exit() so
 * that `--cpu-prof` writes its profile.
 */
export function onShutdown(close) {
  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    Promise.resolve()
      .then(close)
      .catch(() => {})
      .finally(() => process.exit(0));
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('disconnect', shutdown);
}
