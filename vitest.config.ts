import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // --expose-gc lets the memory test force collection and watch FinalizationRegistry free storage.
    execArgv: ['--expose-gc'],
    testTimeout: 120_000,
  },
});
