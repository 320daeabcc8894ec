import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Examples import 'neocog' as users do; in tests that name means the sources.
  resolve: { alias: { neocog: new URL('./src/index.ts', import.meta.url).pathname } },
  test: {
    include: ['test/**/*.test.ts'],
    // Builds the wasm kernels (gitignored) when missing or stale, so `npm test` works on a fresh clone.
    globalSetup: ['test/parity/global-setup.ts'],
    // --expose-gc lets the memory test force collection and watch FinalizationRegistry free storage.
    execArgv: ['--expose-gc'],
    testTimeout: 120_000,
    // Vitest's default (cores - 1) is one worker on a 2-core machine: the suite then runs serially (~240 s).
    // Two workers take ~160 s there, peaking under 2 GB of the machine's memory.
    maxWorkers: 2,
  },
});
