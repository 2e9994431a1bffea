import { defineConfig } from '@playwright/test';

/**
 * The smoke run in real Firefox: Playwright is only the test runner here. Playwright's
 * own Firefox cannot load extensions, so the spec drives Debian's firefox-esr over
 * WebDriver BiDi with puppeteer-core (lib/demo/firefox.ts).
 */
export default defineConfig({
  testDir: './firefox',
  globalSetup: './firefox/global-setup.ts',
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: '../test-results/firefox',
});
