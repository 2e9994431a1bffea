import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { EXTENSION_DIR } from '../../lib/demo/browser';

// The threat model's promises about the package itself (README, "Hostile pages"), checked
// on the build the e2e global setup made.

const manifest = () => JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8'));

function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? scripts(path) : entry.name.endsWith('.js') ? [path] : [];
  });
}

test('the manifest asks only for the permissions the README lists, and lets no page or extension connect', () => {
  const m = manifest();
  expect([...m.permissions].sort()).toEqual(['alarms', 'scripting', 'sidePanel', 'storage', 'webRequest']);
  // The ingestion host and loopback (the local collector); any other host only when the
  // options page saves it as the ingestion host and the user grants it.
  expect(m.host_permissions).toEqual(['https://sdkapi.trodo.ai/*', 'http://127.0.0.1/*', 'http://localhost/*']);
  expect(m.optional_host_permissions).toEqual(['https://*/*', 'http://*/*']);
  expect(m.externally_connectable).toBeUndefined();
  expect(m.web_accessible_resources).toBeUndefined();
  expect(m.content_security_policy).toEqual({ extension_pages: "script-src 'self'; object-src 'self'" });
});

test('no built script evaluates strings as code or loads remote code', () => {
  const offenders = scripts(EXTENSION_DIR).filter((file) => {
    const code = readFileSync(file, 'utf8');
    return /(^|[^\w.$])eval\(|new Function\(|importScripts\(|https?:\/\/[^"'`\s]*\.js\b/.test(code);
  });
  expect(offenders).toEqual([]);
});
