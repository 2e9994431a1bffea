import { readFileSync } from 'node:fs';
import { defineConfig } from 'wxt';
import preact from '@preact/preset-vite';
import { loadPlanText } from './lib/plan/load';

/**
 * Build-time configuration. Runtime settings (ingestion host, site id, batching) live in
 * storage.local and are edited on the options page; the WXT_TRODO_* variables only set
 * their defaults (see lib/settings.ts) and, for WXT_TRODO_SITES, where the tracker runs.
 */
const sites = (process.env.WXT_TRODO_SITES ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

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
    permissions: ['storage', 'alarms'],
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
            gecko: { id: 'qa-extension@trodo.ai', strict_min_version: '128.0', data_collection_permissions: { required: ['none'] } },
          },
        }
      : {}),
  }),
  hooks: {
    'build:manifestGenerated': (_wxt, manifest) => {
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
