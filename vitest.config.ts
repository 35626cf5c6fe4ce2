import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Two at a time even on two cores (Vitest's default leaves one free): the browser tests, one file
    // after another, wait on servers and Chromium most of the time, and the unit, package and docs
    // files use that time.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'happy-dom',
          // The page under test lives on its own https origin, apart from the authorization server.
          environmentOptions: { happyDOM: { url: 'https://app.example/' } },
          include: ['test/**/*.test.ts'],
          exclude: ['test/server/**', 'test/e2e/**', 'test/package/**', 'test/docs/**'],
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
        // The generated API reference is current, and the guides' snippets type-check.
        test: {
          name: 'docs',
          environment: 'node',
          include: ['test/docs/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          // One after another in one worker, sharing its module cache: oidc-provider and the demo
          // servers load once (1.4 s a file otherwise). Each file still starts its own servers and
          // browser, so no test sees another's state.
          isolate: false,
          // A run of its own after the other projects (Vitest runs projects whose worker counts
          // differ in separate groups).
          sequence: { groupOrder: 1 },
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
