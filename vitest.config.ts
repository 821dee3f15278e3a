import { defineConfig } from 'vitest/config';

// One vitest run for the whole repository. Each part adds its own project here; the sample
// shop's tests run twice, once on SQLite and once on a real PostgreSQL.
export default defineConfig({
  test: {
    // Two files at a time on this 2-core machine: most test time is waiting on back ends and
    // timers, not CPU. Files that start a stack run beside each other too: each test stack has
    // its own ports and data folder (@shopscope/testkit's STACK_TEST_SHIFTS, one name per file).
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'agent', include: ['agent/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'stack', include: ['stack/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'alerts', include: ['alerts/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'charts', include: ['charts/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'testkit', include: ['testkit/test/**/*.test.ts'] } },
      // One stack of its own for the live checks: the files run one after another.
      { extends: true, test: { name: 'dashboards', include: ['dashboards/test/**/*.test.ts'] } },
      // Load and drills against a shop and stack of their own: one file after another.
      { extends: true, test: { name: 'loadtest', include: ['loadtest/test/**/*.test.ts'] } },
      // Tests that cross parts: the whole pipeline, one file after another.
      { extends: true, test: { name: 'e2e', include: ['e2e/test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'shop-sqlite',
          include: ['sample-shop/test/**/*.test.ts'],
          exclude: ['sample-shop/test/e2e/**'],
          env: { SHOP_TEST_DB: 'sqlite' },
        },
      },
      {
        extends: true,
        test: {
          name: 'shop-postgres',
          include: ['sample-shop/test/**/*.test.ts'],
          exclude: ['sample-shop/test/e2e/**', 'sample-shop/test/unit/**'],
          env: { SHOP_TEST_DB: 'postgres' },
          globalSetup: ['sample-shop/test/support/postgres-global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'shop-browser',
          include: ['sample-shop/test/e2e/**/*.test.ts'],
          env: { SHOP_TEST_DB: 'sqlite' },
        },
      },
    ],
  },
});
