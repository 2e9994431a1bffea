import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Run by `npm run build:node` after tsc: the emitted declarations keep the sources'
 * extensionless relative imports, which TypeScript refuses under NodeNext resolution (the
 * one Node ESM users have). Adds `.js` to each, which resolves to the `.d.ts` next to it.
 */
const root = process.argv[2] ?? 'dist/types';
const relative = /((?:from |import\()\s*['"])(\.{1,2}\/[^'"]+?)(?<!\.js)(['"])/g;

for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const file = join(entry.parentPath, entry.name);
  const text = readFileSync(file, 'utf8');
  const fixed = text.replace(relative, '$1$2.js$3');
  if (fixed !== text) writeFileSync(file, fixed);
}
