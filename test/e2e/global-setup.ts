import { spawnSync } from 'node:child_process';
import { findChromium } from '../../lib/demo/browser';

/** Fails early and clearly without Chromium, then builds the extension once for all tests. */
export default function globalSetup() {
  findChromium();
  if (process.env.E2E_SKIP_BUILD) return;
  // Built without WXT_TRODO_* so that tests configure the extension the way users do:
  // through its stored settings.
  const env = { ...process.env, WXT_TRODO_API_HOST: '', WXT_TRODO_SITE_ID: '', WXT_TRODO_SITES: '' };
  const build = spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit', env });
  if (build.status !== 0) throw new Error('wxt build failed');
}
