import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts'],
    // The browser tests load the console the server serves: build it from the current source first.
    globalSetup: ['./test/build-console.ts'],
    // Suites share one PostgreSQL server; each file builds its own schema, so files may run in parallel.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // @qelos/sdk ships ESM with extensionless imports; vitest must transform it rather than hand it to Node.
    server: { deps: { inline: ['@qelos/sdk'] } },
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
