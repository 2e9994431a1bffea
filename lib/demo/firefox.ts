import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { FIREFOX } from './browsers';
import { ensureBrowser } from './find-browser';
import { nodeSystem } from './system';

export const FIREFOX_EXTENSION_DIR = resolve('.output/firefox-mv3');

export interface FirefoxWithExtension {
  browser: Browser;
  /** `moz-extension://<uuid>`: the extension's pages live there. */
  origin: string;
  /** Opens one of the extension's pages (e.g. `popup.html`) in a new tab. */
  openExtensionPage(path: string): Promise<Page>;
}

/**
 * Firefox (FIREFOX_PATH, else one found or installed: see find-browser.ts) with the
 * Firefox build installed as a temporary add-on over WebDriver BiDi, the only way to load
 * an unpacked extension into stock Firefox under automation.
 */
export async function launchFirefoxWithExtension(extensionDir = FIREFOX_EXTENSION_DIR): Promise<FirefoxWithExtension> {
  const manifestPath = join(extensionDir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new Error(`No Firefox build in ${extensionDir}: run \`npm run build:firefox\` first.`);
  const addonId: string = JSON.parse(readFileSync(manifestPath, 'utf8')).browser_specific_settings.gecko.id;
  // Firefox gives each add-on a random internal UUID per profile; fixing it up front is the
  // only way to know the moz-extension:// origin without opening about:debugging.
  const uuid = randomUUID();
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH || ensureBrowser(FIREFOX, nodeSystem()),
    headless: true,
    // Firefox's WebDriver BiDi refuses to navigate to moz-extension:// pages unless
    // "system access" is allowed; the popup cannot be opened otherwise.
    args: ['--remote-allow-system-access'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [addonId]: uuid }),
      // permissions.request() grants without its door-hanger, which headless Firefox
      // cannot show; the request itself (from a click in the popup) is real.
      'extensions.webextOptionalPermissionPrompts': false,
    },
  });
  try {
    await browser.installExtension(extensionDir);
  } catch (error) {
    await browser.close();
    throw error;
  }
  const origin = `moz-extension://${uuid}`;
  return {
    browser,
    origin,
    async openExtensionPage(path) {
      const page = await browser.newPage();
      // Firefox reports no load event over BiDi for pages in the extension process, so the
      // navigation promise never settles: start it, then wait for the document itself.
      page.goto(`${origin}/${path}`).catch(() => {});
      await page.waitForFunction((o) => location.origin === o && document.readyState === 'complete', { timeout: 15_000 }, origin);
      return page;
    },
  };
}
