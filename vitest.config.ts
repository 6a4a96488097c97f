import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests bind real sockets on loopback; keep files isolated in forks.
    pool: 'forks',
    // The web apps are built once for the whole run (test/support/build-web-apps.ts).
    globalSetup: ['test/support/build-web-apps.ts'],
  },
});
