import { spawnSync } from 'node:child_process';
import { CHROMIUM } from '../../lib/demo/browsers';
import { browserOrExit } from '../../lib/demo/system';

/**
 * Finds or installs Chromium first (or stops with what to install), then builds the
 * extension once for all tests. The path reaches the test workers through the
 * environment, so they neither search nor install again.
 */
export default function globalSetup() {
  process.env.CHROMIUM_PATH = browserOrExit(CHROMIUM);
  if (process.env.E2E_SKIP_BUILD) return;
  // Built without WXT_TRODO_* so that tests configure the extension the way users do:
  // through its stored settings.
  const env = { ...process.env, WXT_TRODO_API_HOST: '', WXT_TRODO_SITE_ID: '', WXT_TRODO_SITES: '' };
  const build = spawnSync('npx', ['wxt', 'build'], { stdio: 'inherit', env });
  if (build.status !== 0) throw new Error('wxt build failed');
}
