import { describe, expect, it } from 'vitest';
import { BOUNDS, DEFAULT_API_HOST, captureOn, checkSettings, defaultSettings, loadSettings, type Settings } from '../lib/settings';

const base: Settings = { apiHost: 'https://sdkapi.trodo.ai', siteId: 'site', batchSize: 50, flushIntervalMs: 5000, captureEnabled: true, autoEvents: true, disabledSites: [], sendingSites: [], buildSites: [], observeSites: [], maxBackoffMs: 60_000, requestTimeoutMs: 10_000, maxQueueEvents: 10_000, historyLimit: 100_000 };

function errorsOf(change: unknown, current: Settings = base) {
  const check = checkSettings(current, change);
  if (check.ok) throw new Error(`expected errors for ${JSON.stringify(change)}`);
  return check.errors;
}

function settingsOf(change: unknown, current: Settings = base) {
  const check = checkSettings(current, change);
  if (!check.ok) throw new Error(`unexpected errors ${JSON.stringify(check.errors)}`);
  return check.settings;
}

describe('defaultSettings', () => {
  it('uses the Trodo API and no site id without build-time variables', () => {
    expect(defaultSettings()).toEqual({ apiHost: DEFAULT_API_HOST, siteId: '', batchSize: 50, flushIntervalMs: 5000, captureEnabled: true, autoEvents: true, disabledSites: [], sendingSites: [], buildSites: [], observeSites: [], maxBackoffMs: 60_000, requestTimeoutMs: 10_000, maxQueueEvents: 10_000, historyLimit: 100_000 });
    expect(DEFAULT_API_HOST).toBe('https://sdkapi.trodo.ai');
  });

  it('takes host and site id from WXT_TRODO_* variables', () => {
    expect(defaultSettings({ WXT_TRODO_API_HOST: 'http://127.0.0.1:4318', WXT_TRODO_SITE_ID: 'demo-site' })).toMatchObject({
      apiHost: 'http://127.0.0.1:4318',
      siteId: 'demo-site',
    });
  });

  it('treats empty variables as unset', () => {
    expect(defaultSettings({ WXT_TRODO_API_HOST: '', WXT_TRODO_SITE_ID: '', WXT_TRODO_SITES: '' })).toMatchObject({ apiHost: DEFAULT_API_HOST, siteId: '', buildSites: [] });
  });

  it('takes the build sites from WXT_TRODO_SITES, comma-separated, and sends from no site by choice', () => {
    expect(defaultSettings({ WXT_TRODO_SITES: ' https://staging.acme.test/* , *://*.qa.test/*,' })).toMatchObject({
      buildSites: ['https://staging.acme.test/*', '*://*.qa.test/*'],
      sendingSites: [],
    });
  });
});

describe('checkSettings', () => {
  it('rejects a change that is not an object', () => {
    for (const change of [null, 'x', 3, []]) expect(checkSettings(base, change).ok).toBe(false);
  });

  it('accepts an empty change as the current settings', () => {
    expect(settingsOf({})).toEqual(base);
  });

  it.each(['not a url', '', '   ', 'sdkapi.trodo.ai', 'ftp://files.test', 'javascript:alert(1)', 'file:///etc/passwd', 42, null])(
    'rejects the API host %j',
    (apiHost) => {
      expect(errorsOf({ apiHost }).apiHost).toMatch(/http:\/\/ or https:\/\//);
    },
  );

  it.each([
    ['https://h.test', 'https://h.test'],
    ['https://h.test/', 'https://h.test'],
    ['  http://127.0.0.1:4318/  ', 'http://127.0.0.1:4318'],
    ['https://h.test/base//', 'https://h.test/base'],
    ['HTTPS://H.TEST:443/x?q=1#f', 'https://h.test/x'],
  ])('normalises the API host %j to %j', (apiHost, expected) => {
    expect(settingsOf({ apiHost }).apiHost).toBe(expected);
  });

  it('trims the site id and limits it to 200 characters', () => {
    expect(settingsOf({ siteId: '  abc  ' }).siteId).toBe('abc');
    expect(settingsOf({ siteId: '' }).siteId).toBe('');
    expect(settingsOf({ siteId: 's'.repeat(200) }).siteId).toHaveLength(200);
    expect(errorsOf({ siteId: 's'.repeat(201) }).siteId).toBeDefined();
    expect(errorsOf({ siteId: 7 }).siteId).toBeDefined();
  });

  it.each([0, -1, 501, 1.5, 'abc', NaN, Infinity, null])('rejects batchSize %j', (batchSize) => {
    expect(errorsOf({ batchSize }).batchSize).toBe(`Enter a whole number from ${BOUNDS.batchSize.min} to ${BOUNDS.batchSize.max}`);
  });

  it('accepts batchSize at both bounds, and numeric text from a form field', () => {
    expect(settingsOf({ batchSize: 1 }).batchSize).toBe(1);
    expect(settingsOf({ batchSize: 500 }).batchSize).toBe(500);
    expect(settingsOf({ batchSize: '25' }).batchSize).toBe(25);
  });

  it('bounds flushIntervalMs to 50 ms … 10 min', () => {
    expect(settingsOf({ flushIntervalMs: 50 }).flushIntervalMs).toBe(50);
    expect(settingsOf({ flushIntervalMs: 600_000 }).flushIntervalMs).toBe(600_000);
    expect(errorsOf({ flushIntervalMs: 49 }).flushIntervalMs).toBeDefined();
    expect(errorsOf({ flushIntervalMs: 600_001 }).flushIntervalMs).toBeDefined();
  });

  it('needs captureEnabled to be a boolean', () => {
    expect(settingsOf({ captureEnabled: false }).captureEnabled).toBe(false);
    expect(errorsOf({ captureEnabled: 'no' }).captureEnabled).toBeDefined();
    expect(errorsOf({ captureEnabled: 0 }).captureEnabled).toBeDefined();
  });

  it('keeps disabled sites as unique http(s) origins', () => {
    expect(settingsOf({ disabledSites: [' https://shop.test/cart?x=1 ', 'http://127.0.0.1:8080', 'https://shop.test'] }).disabledSites).toEqual([
      'https://shop.test',
      'http://127.0.0.1:8080',
    ]);
    expect(settingsOf({ disabledSites: [] }).disabledSites).toEqual([]);
  });

  it.each<[string, unknown]>([
    ['not a list', 'https://shop.test'],
    ['a non-URL entry', ['https://ok.test', 'shop.test']],
    ['a non-http origin', ['chrome-extension://abc']],
    ['a non-string entry', [42]],
    ['too many sites', Array.from({ length: 501 }, (_, i) => `https://s${i}.test`)],
  ])('rejects disabled sites: %s', (_label, disabledSites) => {
    expect(errorsOf({ disabledSites }).disabledSites).toBeDefined();
  });

  it('keeps sending sites as unique http(s) origins, validated like disabled sites', () => {
    expect(settingsOf({ sendingSites: ['https://shop.test/cart', ' http://127.0.0.1:8080 ', 'https://shop.test'] }).sendingSites).toEqual([
      'https://shop.test',
      'http://127.0.0.1:8080',
    ]);
    for (const sendingSites of ['https://shop.test', ['shop.test'], ['chrome-extension://abc'], [42], Array.from({ length: 501 }, (_, i) => `https://s${i}.test`)]) {
      expect(errorsOf({ sendingSites }).sendingSites).toMatch(/origins/);
    }
  });

  it('ignores a change to the build sites: they are fixed when the extension is built', () => {
    const current = { ...base, buildSites: ['https://staging.acme.test/*'] };
    expect(settingsOf({ buildSites: ['<all_urls>'] }, current).buildSites).toEqual(['https://staging.acme.test/*']);
    expect(loadSettings(current, { buildSites: [] }).buildSites).toEqual(['https://staging.acme.test/*']);
  });

  it('reports every bad field at once and applies nothing', () => {
    const errors = errorsOf({ apiHost: 'ftp://x', batchSize: 0, flushIntervalMs: 1, captureEnabled: 'on', siteId: 'fine' });
    expect(Object.keys(errors).sort()).toEqual(['apiHost', 'batchSize', 'captureEnabled', 'flushIntervalMs']);
  });

  it('does not modify the current settings', () => {
    const current = { ...base };
    settingsOf({ siteId: 'other', batchSize: 10 }, current);
    expect(current).toEqual(base);
  });

  it('ignores unknown keys', () => {
    expect(settingsOf({ unknown: 1 })).toEqual(base);
  });
});

describe('loadSettings', () => {
  const defaults = defaultSettings({ WXT_TRODO_SITE_ID: 'from-env' });

  it('gives the defaults when nothing usable is stored', () => {
    for (const stored of [undefined, null, 'x', 42, []]) expect(loadSettings(defaults, stored)).toEqual(defaults);
  });

  it('merges valid stored fields over the defaults', () => {
    expect(loadSettings(defaults, { apiHost: 'http://127.0.0.1:4318/', batchSize: 10, captureEnabled: false })).toEqual({
      ...defaults,
      apiHost: 'http://127.0.0.1:4318',
      batchSize: 10,
      captureEnabled: false,
    });
  });

  it('ignores invalid stored fields one by one and keeps the valid ones', () => {
    const stored = { apiHost: 'ftp://old', siteId: 'stored-site', batchSize: 9999, flushIntervalMs: 1000, captureEnabled: 'yes', extra: true };
    expect(loadSettings(defaults, stored)).toEqual({ ...defaults, siteId: 'stored-site', flushIntervalMs: 1000 });
  });

  it('does not modify the defaults object', () => {
    const copy = { ...defaults };
    loadSettings(defaults, { batchSize: 3 });
    expect(defaults).toEqual(copy);
  });
});

describe('captureOn', () => {
  it('is on when capture is enabled and the origin is not switched off', () => {
    const settings = { ...base, disabledSites: ['https://off.test'] };
    expect(captureOn(settings, 'https://shop.test')).toBe(true);
    expect(captureOn(settings, 'https://off.test')).toBe(false);
    expect(captureOn({ ...settings, captureEnabled: false }, 'https://shop.test')).toBe(false);
  });
});

describe('observeSites', () => {
  it('takes origins like disabledSites, and capture is off where the page\'s own SDK is observed', () => {
    const { settings } = checkSettings(base, { observeSites: ['https://shop.example/path', ' http://127.0.0.1:8080 '] }) as { settings: Settings };
    expect(settings.observeSites).toEqual(['https://shop.example', 'http://127.0.0.1:8080']);
    expect(captureOn(settings, 'https://shop.example')).toBe(false);
    expect(captureOn(settings, 'https://other.example')).toBe(true);
    expect(checkSettings(base, { observeSites: ['not a url'] }).ok).toBe(false);
  });
});
