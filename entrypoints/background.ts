import { randomUuid } from '@/lib/ids';
import { isObservedQuery } from '@/lib/protocol';
import { SETTINGS_KEY, defaultSettings, loadSettings } from '@/lib/settings';
import { chunkWorkerStore, openWorkerDb } from '@/lib/worker/chunk-store';
import { withMemoryFallback } from '@/lib/worker/fallback-store';
import { memoryWorkerStore } from '@/lib/worker/memory-store';
import { planStorage } from '@/lib/worker/plan-storage';
import { syncObserveScript, type ScriptingLike } from '@/lib/worker/observe-script';
import { OFFICIAL_API_URLS, createObservedLog, type RequestEnd, type RequestStart } from '@/lib/worker/observed';
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
  const defaults = defaultSettings({
    WXT_TRODO_API_HOST: import.meta.env.WXT_TRODO_API_HOST,
    WXT_TRODO_SITE_ID: import.meta.env.WXT_TRODO_SITE_ID,
    WXT_TRODO_SITES: import.meta.env.WXT_TRODO_SITES,
  });
  const service = createWorkerService({
    store: withMemoryFallback(chunkWorkerStore(openWorkerDb()), memoryWorkerStore, log),
    transport: fetchTransport((input, init) => fetch(input, init)),
    fetch: (input, init) => fetch(input, init),
    defaults,
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
  // Observe sites (README, "Sites that already load Trodo"): the script that releases
  // window.Trodo there, and what the page's own SDK sends to Trodo, from the network side.
  const scripting = (browser as unknown as { scripting: ScriptingLike }).scripting;
  const observeSites = (stored: unknown) =>
    void syncObserveScript(scripting, loadSettings(defaults, stored).observeSites).catch((error) => log(`observe sites not registered: ${String(error)}`));
  const session = browser.storage.session;
  const observed = createObservedLog({ save: (all) => void session.set({ observed: all }).catch(() => {}), check: service.checkObserved });
  const restored = session.get('observed').then((got) => observed.restore(got.observed), () => {});
  const urls = OFFICIAL_API_URLS;
  browser.webRequest.onBeforeRequest.addListener((d) => void observed.started(d as unknown as RequestStart), { urls }, ['requestBody']);
  browser.webRequest.onCompleted.addListener((d) => void observed.ended(d as RequestEnd), { urls });
  browser.webRequest.onErrorOccurred.addListener((d) => void observed.ended(d as RequestEnd), { urls });
  browser.runtime.onMessage.addListener((message, sender) =>
    isObservedQuery(message) && sender.id === browser.runtime.id ? restored.then(() => observed.forTab(message.tabId)) : undefined,
  );

  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'local' || !(SETTINGS_KEY in changes)) return;
    service.onStoredSettings(changes[SETTINGS_KEY]!.newValue);
    observeSites(changes[SETTINGS_KEY]!.newValue);
  });
  void browser.storage.local.get(SETTINGS_KEY).then((got) => observeSites(got[SETTINGS_KEY]));
  void browser.alarms.create(FLUSH_ALARM, { periodInMinutes: 0.5 });
  void service.start();
});
