import { spawnSync } from 'node:child_process';
import { FIREFOX } from '../../lib/demo/browsers';
import { browserOrExit } from '../../lib/demo/system';

/**
 * Finds or installs Firefox first (or stops with what to install), then makes the
 * Firefox build unless E2E_SKIP_BUILD says `.output/firefox-mv3` is current (`npm test`
 * builds and lints it just before).
 */
export default function globalSetup() {
  process.env.FIREFOX_PATH = browserOrExit(FIREFOX);
  if (process.env.E2E_SKIP_BUILD) return;
  // Like the Chromium e2e build: no WXT_TRODO_*, the test configures the extension's settings.
  const env = { ...process.env, WXT_TRODO_API_HOST: '', WXT_TRODO_SITE_ID: '', WXT_TRODO_SITES: '' };
  const build = spawnSync('npx', ['wxt', 'build', '-b', 'firefox', '--mv3'], { stdio: 'inherit', env });
  if (build.status !== 0) throw new Error('wxt build -b firefox --mv3 failed');
}
