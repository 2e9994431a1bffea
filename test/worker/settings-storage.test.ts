import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { SETTINGS_KEY, defaultSettings, loadSettings, type Settings } from '../../lib/settings';
import { settingsStorage } from '../../lib/worker/settings-storage';

const settings: Settings = {
  apiHost: 'http://127.0.0.1:4318',
  siteId: 'demo-site',
  batchSize: 25,
  flushIntervalMs: 2000,
  captureEnabled: false,
  autoEvents: true,
  disabledSites: ['https://off.test'],
  sendingSites: ['https://shop.test'],
  buildSites: [],
  observeSites: [],
  maxBackoffMs: 30_000,
  requestTimeoutMs: 5_000,
  maxQueueEvents: 500,
  historyLimit: 5_000,
};

describe('settingsStorage over storage.local', () => {
  beforeEach(() => {
    fakeBrowser.reset();
  });

  it('reads undefined when nothing was saved', async () => {
    expect(await settingsStorage(fakeBrowser.storage.local).read()).toBeUndefined();
  });

  it('round-trips settings under the "settings" key', async () => {
    const storage = settingsStorage(fakeBrowser.storage.local);
    await storage.write(settings);
    expect(await storage.read()).toEqual(settings);
    expect(SETTINGS_KEY).toBe('settings');
    expect(await fakeBrowser.storage.local.get('settings')).toEqual({ settings });
  });

  it('overwrites the previous settings entirely', async () => {
    const storage = settingsStorage(fakeBrowser.storage.local);
    await storage.write(settings);
    await storage.write({ ...settings, siteId: 'second' });
    expect(await storage.read()).toMatchObject({ siteId: 'second', batchSize: 25 });
  });

  it('leaves other storage keys alone', async () => {
    await fakeBrowser.storage.local.set({ unrelated: 1 });
    await settingsStorage(fakeBrowser.storage.local).write(settings);
    expect(await fakeBrowser.storage.local.get('unrelated')).toEqual({ unrelated: 1 });
  });

  it('reports a write through storage.onChanged (how the worker hears about the options page)', async () => {
    const seen: unknown[] = [];
    fakeBrowser.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && changes[SETTINGS_KEY]) seen.push(changes[SETTINGS_KEY].newValue);
    });
    await settingsStorage(fakeBrowser.storage.local).write(settings);
    expect(seen).toEqual([settings]);
  });

  it('with loadSettings, ignores invalid values a stale or hand-edited store holds', async () => {
    await fakeBrowser.storage.local.set({ settings: { apiHost: 'ftp://x', siteId: 'kept', batchSize: 0, captureEnabled: 'yes' } });
    const defaults = defaultSettings();
    const loaded = loadSettings(defaults, await settingsStorage(fakeBrowser.storage.local).read());
    expect(loaded).toEqual({ ...defaults, siteId: 'kept' });
  });
});
