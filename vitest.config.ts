import { configDefaults, defineConfig } from 'vitest/config';

/** The fault suite (issue 17): real processes, a proxy in front of PostgreSQL, kill -9 and SIGTERM. */
const FAULTS = 'packages/server/test/faults/**/*.test.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, FAULTS],
          // The browser tests load the console the server serves: build it from the current source first.
          // Tests that start `gatehouse` processes run the server's current source, transpiled once first.
          globalSetup: ['./test/build-console.ts', './test/build-server.ts'],
          // Suites share one PostgreSQL server; each file builds its own schema, so files may run in parallel.
          // @qelos/sdk ships ESM with extensionless imports; vitest must transform it rather than hand it to Node.
          server: { deps: { inline: ['@qelos/sdk'] } },
        },
      },
      {
        extends: true,
        // Its own project, so its time shows on its own and it runs alone: `npx vitest run --project faults`.
        // Its files start several processes each: one file at a time keeps the faults from fighting for the CPU.
        test: { name: 'faults', include: [FAULTS], fileParallelism: false, testTimeout: 90_000 },
      },
    ],
  },
});
