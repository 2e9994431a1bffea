import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Worker } from '@playwright/test';
import { CHROMIUM } from './browsers';
import { ensureBrowser } from './find-browser';
import { nodeSystem } from './system';

export const EXTENSION_DIR = resolve('.output/chrome-mv3');

let chromiumPath: string | undefined;

/**
 * CHROMIUM_PATH, else a Chromium already on the machine, else one installed with apt-get
 * where that needs no password (see find-browser.ts); a BrowserMissing saying what to
 * install otherwise. Looked up once per process: every test launches a browser.
 */
export function findChromium(): string {
  return (chromiumPath ??= ensureBrowser(CHROMIUM, nodeSystem()));
}

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface LaunchOptions {
  extensionDir?: string;
  /** Reuse a profile (e.g. to restart the browser); a fresh one by default. */
  profileDir?: string;
  headless?: boolean;
  /** More Chromium flags (the bench adds one that keeps all traffic on loopback). */
  args?: string[];
  /** Where relative `page.goto` URLs resolve (a test project's `baseURL`). */
  baseURL?: string;
}

/** Chromium with the unpacked extension loaded, its id, and its service worker. */
export async function launchWithExtension(options: LaunchOptions = {}) {
  const extensionDir = options.extensionDir ?? EXTENSION_DIR;
  if (!existsSync(join(extensionDir, 'manifest.json'))) {
    throw new Error(`No built extension in ${extensionDir}: run \`npm run build\` first.`);
  }
  const profileDir = options.profileDir ?? (await mkdtemp(join(tmpdir(), 'trodo-qa-profile-')));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: findChromium(),
    headless: options.headless ?? true,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    args: [`--disable-extensions-except=${extensionDir}`, `--load-extension=${extensionDir}`, ...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
  const worker = await serviceWorker(context);
  return { context, worker, extensionId: new URL(worker.url()).host, profileDir };
}

/** The same Chromium, flags and kind of profile, without the extension: the control in comparisons. */
export async function launchWithoutExtension(options: Omit<LaunchOptions, 'extensionDir'> = {}) {
  const profileDir = options.profileDir ?? (await mkdtemp(join(tmpdir(), 'trodo-qa-profile-')));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: findChromium(),
    headless: options.headless ?? true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
  });
  return { context, profileDir };
}

export async function serviceWorker(context: BrowserContext): Promise<Worker> {
  return context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
}
