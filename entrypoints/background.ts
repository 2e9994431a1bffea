import { randomUuid } from '@/lib/ids';
import { SETTINGS_KEY, defaultSettings } from '@/lib/settings';
import { chunkWorkerStore, openWorkerDb } from '@/lib/worker/chunk-store';
import { withMemoryFallback } from '@/lib/worker/fallback-store';
import { memoryWorkerStore } from '@/lib/worker/memory-store';
import { planStorage } from '@/lib/worker/plan-storage';
import { FLUSH_ALARM, createWorkerService, type WorkerPort } from '@/lib/worker/service';
import { settingsStorage } from '@/lib/worker/settings-storage';
import { fetchTransport } from '@/lib/delivery/transport';

/**
 * Wires the worker service to the browser. Listeners are registered synchronously, as
 * MV3 requires for them to wake a stopped worker; the alarm is re-created at every start
 * because alarms do not survive every kind of restart.
 */
/** The build's default tracking plan (WXT_TRODO_PLAN, checked by wxt.config.ts), as JSON text; "null" when none. */
declare const __TRODO_PLAN__: string;

export default defineBackground(() => {
  const stored = settingsStorage(browser.storage.local);
  const plan = planStorage(browser.storage.local);
  const log = (message: string) => console.warn(`[Trodo QA] ${message}`);
  const service = createWorkerService({
    store: withMemoryFallback(chunkWorkerStore(openWorkerDb()), memoryWorkerStore, log),
    transport: fetchTransport((input, init) => fetch(input, init)),
    defaults: defaultSettings({
      WXT_TRODO_API_HOST: import.meta.env.WXT_TRODO_API_HOST,
      WXT_TRODO_SITE_ID: import.meta.env.WXT_TRODO_SITE_ID,
    }),
    readSettings: stored.read,
    writeSettings: stored.write,
    readPlan: plan.read,
    writePlan: plan.write,
    buildPlan: JSON.parse(__TRODO_PLAN__),
    extensionId: browser.runtime.id,
    extensionOrigin: new URL(browser.runtime.getURL('/')).origin,
    now: Date.now,
    random: Math.random,
    newId: randomUuid,
    setTimer: (task, ms) => setTimeout(task, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    log,
    setBadge: (tabId, count) => {
      // The tab may have closed meanwhile; a badge for it no longer matters.
      browser.action.setBadgeText({ tabId, text: count ? String(count > 9999 ? '9999+' : count) : '' }).catch(() => {});
    },
  });
  void browser.action.setBadgeBackgroundColor({ color: '#3b5bdb' });

  browser.runtime.onConnect.addListener((port) => service.onConnect(port as unknown as WorkerPort));
  browser.alarms.onAlarm.addListener((alarm) => service.onAlarm(alarm.name));
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && SETTINGS_KEY in changes) service.onStoredSettings(changes[SETTINGS_KEY]!.newValue);
  });
  void browser.alarms.create(FLUSH_ALARM, { periodInMinutes: 0.5 });
  void service.start();
});
