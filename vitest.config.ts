import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'happy-dom',
          // The page under test lives on its own https origin, apart from the authorization server.
          environmentOptions: { happyDOM: { url: 'https://app.example/' } },
          include: ['test/**/*.test.ts'],
          exclude: ['test/server/**', 'test/e2e/**', 'test/package/**'],
        },
      },
      {
        test: { name: 'server', environment: 'node', include: ['test/server/**/*.test.ts'] },
      },
      {
        // The packed tarball in a throwaway app, and the framework examples' builds.
        test: {
          name: 'package',
          environment: 'node',
          include: ['test/package/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
