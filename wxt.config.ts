import { readFileSync } from 'node:fs';
import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { loadPlanText } from './lib/plan/load';
import { parseSiteList } from './lib/settings';

/**
 * Build-time configuration. Runtime settings (ingestion host, site id, batching) live in
 * storage.local and are edited on the options page; the WXT_TRODO_* variables only set
 * their defaults (see lib/settings.ts) and, for WXT_TRODO_SITES, where the tracker runs.
 */
const sites = parseSiteList(process.env.WXT_TRODO_SITES);

/** WXT_TRODO_PLAN=path/to/plan.json: the default tracking plan, checked now so a bad one fails the build. */
const buildPlan = readBuildPlan(process.env.WXT_TRODO_PLAN);

export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preact()],
    // Terser with two passes makes the page tracker, which every page pays for, a few
    // percent smaller than esbuild's minifier does.
    build: { minify: 'terser', terserOptions: { compress: { passes: 2 } } },
    define: { __TRODO_PLAN__: JSON.stringify(buildPlan) },
  }),
  manifest: ({ browser }) => ({
    name: 'Trodo QA',
    description: 'Puts a Trodo tracker into pages under test, delivers every event durably and shows what became of it.',
    // scripting: the per-site observe switch registers a content script at run time;
    // webRequest: what a page's own Trodo SDK sends on those sites (see the README).
    permissions: ['storage', 'alarms', 'scripting', 'webRequest'],
    // The tracker runs on every site by default; the worker posts only to the configured
    // ingestion host. Loopback is listed so the local collector works without a prompt;
    // any other host is granted when the options page saves it.
    host_permissions: [hostPattern(process.env.WXT_TRODO_API_HOST), 'http://127.0.0.1/*', 'http://localhost/*'],
    optional_host_permissions: ['https://*/*', 'http://*/*'],
    content_security_policy: {
      extension_pages: "script-src 'self'; object-src 'self'",
    },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            // 140: the first Firefox that reads data_collection_permissions (MAIN-world
            // content scripts need 128); Firefox for Android reads it from 142.
            gecko: { id: 'qa-extension@trodo.ai', strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
            gecko_android: { strict_min_version: '142.0' },
          },
        }
      : {}),
  }),
  hooks: {
    'build:manifestGenerated': (_wxt, manifest) => {
      // The bridge (entrypoints/bridge.ts), before the tracker: either may start first, but
      // this way the tracker's offer finds the bridge listening.
      manifest.content_scripts = [{ matches: ['<all_urls>'], run_at: 'document_start', js: ['bridge.js'] }, ...(manifest.content_scripts ?? [])];
      if (sites.length === 0) return;
      for (const script of manifest.content_scripts ?? []) script.matches = sites;
    },
  },
});

function hostPattern(apiHost: string | undefined): string {
  try {
    return `${new URL(apiHost || 'https://sdkapi.trodo.ai').origin}/*`;
  } catch {
    return 'https://sdkapi.trodo.ai/*';
  }
}

function readBuildPlan(path: string | undefined): string {
  if (!path) return 'null';
  const load = loadPlanText(readFileSync(path, 'utf8'));
  if (!load.ok) throw new Error(`WXT_TRODO_PLAN=${path}: ${load.error}`);
  return JSON.stringify(load.plan);
}
