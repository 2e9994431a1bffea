import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built extension the fixture loads: TRODO_EXTENSION_DIR when set, else the one shipped
 * in the package (`dist/extension`, put there by `npm run build:package`), else this
 * repository's `.output/chrome-mv3` (`npm run build`). Looked up from this module's own
 * place, so it is found whatever the test run's working directory is.
 */
export function builtExtensionDir(env: Record<string, string | undefined> = process.env, from = dirname(fileURLToPath(import.meta.url))): string {
  if (env.TRODO_EXTENSION_DIR) return env.TRODO_EXTENSION_DIR;
  for (let dir = from; ; dir = dirname(dir)) {
    for (const candidate of [join(dir, 'dist/extension'), join(dir, 'extension'), join(dir, '.output/chrome-mv3')]) {
      if (existsSync(join(candidate, 'manifest.json'))) return candidate;
    }
    if (dirname(dir) === dir) break;
  }
  throw new Error('No built Trodo QA extension found: set TRODO_EXTENSION_DIR, or run `npm run build` in the trodo-qa repository.');
}
