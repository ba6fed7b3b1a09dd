import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['tests/support/globalSetup.ts'],
    reporters: ['default', './tests/support/summaryReporter.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'default', include: ['tests/**/*.test.ts'] } },
      // the HTTP contract again on a real Redis Cluster (3 masters, 3 replicas)
      { extends: true, test: { name: 'redis-cluster', include: ['tests/http/contract.test.ts'] } },
    ],
  },
});
