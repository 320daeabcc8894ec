import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds the wasm kernels (gitignored) when missing or stale, so `npm test` works on a fresh clone.
    globalSetup: ['test/parity/global-setup.ts'],
    // --expose-gc lets the memory test force collection and watch FinalizationRegistry free storage.
    execArgv: ['--expose-gc'],
    testTimeout: 120_000,
  },
});
