import { defineConfig } from 'vitest/config';

// The browser suite (npm run test:browser): Playwright drives Chromium over pages built from dist/
// and web/. Kept out of `npm test`, which needs no browser.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/browser/**/*.browser.ts'],
    globalSetup: ['test/browser/global-setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
