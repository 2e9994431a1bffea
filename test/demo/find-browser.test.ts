import { describe, expect, it } from 'vitest';
import { CHROMIUM, FIREFOX } from '../../lib/demo/browsers';
import { BrowserMissing, ensureBrowser, type BrowserSystem } from '../../lib/demo/find-browser';

interface Machine {
  files?: string[];
  /** `--version` output per binary. */
  versions?: Record<string, string>;
  env?: Record<string, string>;
  uid?: number;
  platform?: string;
  /** Whether `sudo -n true` succeeds. */
  sudo?: boolean;
  /** What a successful `apt-get install -y PKG` puts on the machine; absent: the install fails. */
  installs?: Record<string, string>;
}

/** A machine made of a file list: records what was run and said, and installs what `installs` says. */
function machine(m: Machine) {
  const files = new Set(m.files ?? []);
  const said: string[] = [];
  const visible: string[] = [];
  const sys: BrowserSystem = {
    env: m.env ?? {},
    platform: m.platform ?? 'linux',
    home: '/home/qa',
    uid: m.uid ?? 1000,
    exists: (path) => files.has(path),
    list: (dir) => [...new Set([...files].filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1).split('/')[0]!))],
    run: (argv) => {
      if (argv.join(' ') === 'sudo -n true') return { status: m.sudo ? 0 : 1, stdout: '' };
      if (argv[1] === '--version' && files.has(argv[0]!)) return { status: 0, stdout: `${m.versions?.[argv[0]!] ?? ''}\n` };
      return { status: null, stdout: '' };
    },
    runVisible: (argv) => {
      visible.push(argv.join(' '));
      if (argv.at(-1) === 'update') return 0;
      const installed = m.installs?.[argv.at(-1)!];
      if (!installed) return 100;
      files.add(installed);
      return 0;
    },
    log: (line) => said.push(`log: ${line}`),
  };
  // What was said and run, in order: the announcement must come before the install.
  const runVisible = sys.runVisible;
  sys.runVisible = (argv) => (said.push(`run: ${argv.join(' ')}`), runVisible(argv));
  return { sys, said, visible };
}

function missing(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(BrowserMissing);
    return (error as Error).message;
  }
  throw new Error('expected BrowserMissing');
}

const APT = ['/usr/bin/apt-get'];

describe('finding Chromium', () => {
  it('takes CHROMIUM_PATH first, over a Chromium on the machine, and installs nothing', () => {
    const { sys, visible } = machine({ files: [...APT, '/opt/c/chrome', '/usr/bin/chromium'], env: { CHROMIUM_PATH: '/opt/c/chrome' }, uid: 0, installs: { chromium: '/usr/bin/chromium' } });
    expect(ensureBrowser(CHROMIUM, sys)).toBe('/opt/c/chrome');
    expect(visible).toEqual([]);
  });

  it('stops when CHROMIUM_PATH names nothing, rather than quietly using another browser', () => {
    const { sys, visible } = machine({ files: [...APT, '/usr/bin/chromium'], env: { CHROMIUM_PATH: '/nope/chrome' }, uid: 0 });
    expect(missing(() => ensureBrowser(CHROMIUM, sys))).toMatch(/^CHROMIUM_PATH is set to \/nope\/chrome, which does not exist/);
    expect(visible).toEqual([]);
  });

  it('refuses a CHROMIUM_PATH that is branded Google Chrome 137+', () => {
    const chrome = '/usr/bin/google-chrome';
    const { sys } = machine({ files: [chrome], versions: { [chrome]: 'Google Chrome 138.0.7204.49' }, env: { CHROMIUM_PATH: chrome } });
    expect(missing(() => ensureBrowser(CHROMIUM, sys))).toMatch(/cannot be used: it is Google Chrome 138.*ignore --load-extension/);
  });

  it("uses Debian's /usr/bin/chromium", () => {
    const { sys } = machine({ files: ['/usr/bin/chromium'], versions: { '/usr/bin/chromium': 'Chromium 156.0.8078.114 built on Debian' } });
    expect(ensureBrowser(CHROMIUM, sys)).toBe('/usr/bin/chromium');
  });

  it("uses the newest Chromium in Playwright's cache, never its headless shell", () => {
    const cache = '/home/qa/.cache/ms-playwright';
    const { sys } = machine({
      files: [`${cache}/chromium-1140/chrome-linux/chrome`, `${cache}/chromium-1187/chrome-linux64/chrome`, `${cache}/chromium_headless_shell-1200/chrome-linux/headless_shell`],
    });
    expect(ensureBrowser(CHROMIUM, sys)).toBe(`${cache}/chromium-1187/chrome-linux64/chrome`);
  });

  it('follows PLAYWRIGHT_BROWSERS_PATH to the cache', () => {
    const { sys } = machine({ files: ['/pw/chromium-1187/chrome-linux64/chrome'], env: { PLAYWRIGHT_BROWSERS_PATH: '/pw' } });
    expect(ensureBrowser(CHROMIUM, sys)).toBe('/pw/chromium-1187/chrome-linux64/chrome');
  });

  it('uses branded Google Chrome before 137, which still loads the extension', () => {
    const chrome = '/usr/bin/google-chrome';
    const { sys } = machine({ files: [chrome], versions: { [chrome]: 'Google Chrome 136.0.7103.113' } });
    expect(ensureBrowser(CHROMIUM, sys)).toBe(chrome);
  });

  it('with only Google Chrome 137+ and no way to install, says why instead of launching it', () => {
    const chrome = '/usr/bin/google-chrome';
    const { sys, visible } = machine({ files: [...APT, chrome], versions: { [chrome]: 'Google Chrome 140.0.7339.80' }, sudo: false });
    const message = missing(() => ensureBrowser(CHROMIUM, sys));
    expect(message).toContain('/usr/bin/google-chrome was found but is not used: it is Google Chrome 140.0.7339.80');
    expect(message).toContain('ignore --load-extension');
    expect(message).toContain('sudo apt-get install -y chromium');
    expect(visible).toEqual([]);
  });

  it('as root on Debian, says so and then installs chromium with apt-get (lists first)', () => {
    const { sys, said } = machine({ files: APT, uid: 0, installs: { chromium: '/usr/bin/chromium' } });
    expect(ensureBrowser(CHROMIUM, sys)).toBe('/usr/bin/chromium');
    expect(said).toEqual([
      "log: Chromium was not found: installing Debian's chromium package with `apt-get install -y chromium` (a minute or two)…",
      'run: apt-get update',
      'run: apt-get install -y chromium',
    ]);
  });

  it('installs with sudo -n where sudo needs no password', () => {
    const { sys, visible } = machine({ files: [...APT, '/usr/bin/sudo'], sudo: true, installs: { chromium: '/usr/bin/chromium' } });
    expect(ensureBrowser(CHROMIUM, sys)).toBe('/usr/bin/chromium');
    expect(visible).toEqual(['sudo -n apt-get update', 'sudo -n apt-get install -y chromium']);
  });

  it('does not try sudo when it asks for a password, and says exactly what to install', () => {
    const { sys, visible } = machine({ files: [...APT, '/usr/bin/sudo'], sudo: false });
    const message = missing(() => ensureBrowser(CHROMIUM, sys));
    expect(visible).toEqual([]);
    expect(message).toMatch(/^Chromium was not found on this machine\. Install Chromium with `sudo apt-get install -y chromium`.*set CHROMIUM_PATH.*Then run the command again\.$/);
    expect(message).not.toContain('\n');
  });

  it('names the install command that failed', () => {
    const { sys } = machine({ files: APT, uid: 0 });
    expect(missing(() => ensureBrowser(CHROMIUM, sys))).toContain('(`apt-get install -y chromium` did not give a usable Chromium)');
  });

  it('installs nothing off Linux', () => {
    const { sys, visible } = machine({ files: APT, uid: 0, platform: 'darwin', installs: { chromium: '/usr/bin/chromium' } });
    missing(() => ensureBrowser(CHROMIUM, sys));
    expect(visible).toEqual([]);
  });
});

describe('finding Firefox', () => {
  it("uses Debian's firefox-esr", () => {
    const { sys } = machine({ files: ['/usr/bin/firefox-esr'], versions: { '/usr/bin/firefox-esr': 'Mozilla Firefox 140.5.0esr' } });
    expect(ensureBrowser(FIREFOX, sys)).toBe('/usr/bin/firefox-esr');
  });

  it('passes over a Firefox older than the build supports, and installs firefox-esr as root', () => {
    const { sys, visible } = machine({
      files: [...APT, '/usr/bin/firefox'],
      versions: { '/usr/bin/firefox': 'Mozilla Firefox 128.9.0esr', '/usr/bin/firefox-esr': 'Mozilla Firefox 153.8.0esr' },
      uid: 0,
      installs: { 'firefox-esr': '/usr/bin/firefox-esr' },
    });
    expect(ensureBrowser(FIREFOX, sys)).toBe('/usr/bin/firefox-esr');
    expect(visible).toEqual(['apt-get update', 'apt-get install -y firefox-esr']);
  });

  it('says what to install when it cannot', () => {
    const { sys } = machine({});
    expect(missing(() => ensureBrowser(FIREFOX, sys))).toMatch(/^Firefox was not found on this machine\. Install Firefox 140 or later with `sudo apt-get install -y firefox-esr`/);
  });
});
