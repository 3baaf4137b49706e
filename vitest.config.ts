import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript sources through the "@zhibu/source" export condition.
const conditions = ['@zhibu/source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    passWithNoTests: true,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['shared/src/**/*.test.ts', 'server/src/**/*.test.ts', 'workers/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          // Runs after the unit project; its own worker cap needs its own group.
          sequence: { groupOrder: 1 },
          include: ['tests/integration/**/*.test.ts', 'tests/storage-contract/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Two cores and a FerretDB that hangs past ~50 operations in flight: keep parallelism modest.
          maxWorkers: 2,
        },
      },
    ],
  },
});
