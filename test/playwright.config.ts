import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: the built extension in Debian's Chromium, real pages on 127.0.0.1,
 * and the project's collector as the ingestion server. One worker: each test starts its
 * own browser, and the machine has two cores.
 */
export default defineConfig({
  testDir: './e2e',
  globalSetup: './e2e/global-setup.ts',
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: '../test-results',
});
