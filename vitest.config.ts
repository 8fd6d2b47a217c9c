import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// One suite for the whole monorepo. Test files live in each workspace's test/ folder.
// globalSetup starts one Postgres (embedded, or DATABASE_URL) for the run; every test file
// gets its own database from packages/db/test-support.
export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) builds. Node loads the CJS one for every
    // import; Vite would hand our own files the ESM one, giving two GraphQLError classes.
    alias: { graphql: fileURLToPath(new URL('./node_modules/graphql/index.js', import.meta.url)) },
  },
  test: {
    include: ['apps/*/test/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    globalSetup: ['packages/db/src/testing/global-setup.ts'],
    // The secret scan: every log line, child output, GraphQL answer and database row of each
    // test file, searched for every secret the file used (packages/core/src/testing/secret-scan.ts).
    setupFiles: ['packages/core/src/testing/secret-scan-setup.ts'],
    pool: 'forks',
    // Hang guards, not speed checks: a test waits for events, and on a 2-core machine saturated
    // by other work (npm run test:loaded) a real acquisition can take tens of seconds.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // expect.poll waits for a state, however long a busy machine takes: its own 1 s default was
    // a deadline (60 s is a hang guard like the ones above).
    expect: { poll: { timeout: 60_000 } },
  },
});
