import type { BrowserSpec, BrowserSystem } from './find-browser';

/** The first version of branded Google Chrome that ignores `--load-extension`. */
export const CHROME_IGNORES_LOAD_EXTENSION = 137;
/** The Firefox build's `strict_min_version` (wxt.config.ts). */
export const FIREFOX_MIN_VERSION = 140;

const GOOGLE_CHROME = ['/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/opt/google/chrome/chrome', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

/**
 * Chromium: Debian's or Ubuntu's package, then a Chromium that Playwright downloaded on
 * another occasion (`npx playwright install` cannot download here, but a developer's
 * machine may have one cached). Branded Google Chrome is used only before 137: later
 * versions start without the extension and say nothing.
 */
export const CHROMIUM: BrowserSpec = {
  name: 'Chromium',
  envVar: 'CHROMIUM_PATH',
  aptPackage: 'chromium',
  candidates: (sys) => [
    ...(sys.platform === 'darwin' ? ['/Applications/Chromium.app/Contents/MacOS/Chromium'] : ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/snap/bin/chromium']),
    ...playwrightChromiums(sys),
    ...GOOGLE_CHROME,
  ],
  unusable(path, sys) {
    const version = versionOf(path, sys);
    const chrome = /^Google Chrome (\d+)/.exec(version);
    if (chrome && !/for Testing/.test(version) && Number(chrome[1]) >= CHROME_IGNORES_LOAD_EXTENSION) {
      return `it is ${version}, and branded Google Chrome ${CHROME_IGNORES_LOAD_EXTENSION} and later ignore --load-extension, so it would start without the extension`;
    }
    return null;
  },
  advice:
    'Install Chromium with `sudo apt-get install -y chromium` (Debian, Ubuntu) or your system\'s package manager, or set CHROMIUM_PATH to a Chromium binary (Chrome for Testing works too; branded Google Chrome 137+ does not load unpacked extensions from the command line).',
};

/** Firefox: Debian's ESR, or any Firefox at least as new as the build's minimum. */
export const FIREFOX: BrowserSpec = {
  name: 'Firefox',
  envVar: 'FIREFOX_PATH',
  aptPackage: 'firefox-esr',
  candidates: (sys) => (sys.platform === 'darwin' ? ['/Applications/Firefox.app/Contents/MacOS/firefox'] : ['/usr/bin/firefox-esr', '/usr/bin/firefox']),
  unusable(path, sys) {
    const version = versionOf(path, sys);
    const major = /Firefox (\d+)/.exec(version);
    if (major && Number(major[1]) < FIREFOX_MIN_VERSION) return `it is ${version}, older than ${FIREFOX_MIN_VERSION}, the build's minimum`;
    return null;
  },
  advice: `Install Firefox ${FIREFOX_MIN_VERSION} or later with \`sudo apt-get install -y firefox-esr\` (Debian) or your system's package manager, or set FIREFOX_PATH to a Firefox binary.`,
};

function versionOf(path: string, sys: BrowserSystem): string {
  return sys.run([path, '--version']).stdout.trim();
}

/** Chromiums in Playwright's browser cache, newest revision first (not its headless shell, which loads no extension). */
export function playwrightChromiums(sys: BrowserSystem): string[] {
  const custom = sys.env.PLAYWRIGHT_BROWSERS_PATH;
  const root = custom && custom !== '0' ? custom : sys.platform === 'darwin' ? `${sys.home}/Library/Caches/ms-playwright` : `${sys.home}/.cache/ms-playwright`;
  const revisions = sys
    .list(root)
    .map((entry) => /^chromium-(\d+)$/.exec(entry))
    .filter((match) => match !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]));
  const inside = [
    'chrome-linux64/chrome',
    'chrome-linux/chrome',
    'chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
    'chrome-mac-x64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing',
    'chrome-mac/Chromium.app/Contents/MacOS/Chromium',
  ];
  return revisions.flatMap((match) => inside.map((path) => `${root}/${match[0]}/${path}`));
}
