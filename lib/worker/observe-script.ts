/** The id of the dynamically registered content script that releases window.Trodo on observe sites. */
export const OBSERVE_SCRIPT_ID = 'trodo-observe';

/** The slice of `chrome.scripting` used here. */
export interface ScriptingLike {
  getRegisteredContentScripts(filter: { ids: string[] }): Promise<{ id: string }[]>;
  unregisterContentScripts(filter: { ids: string[] }): Promise<void>;
  registerContentScripts(scripts: {
    id: string; matches: string[]; js: string[]; world: 'MAIN'; runAt: 'document_start'; allFrames: boolean; persistAcrossSessions: boolean;
  }[]): Promise<void>;
}

/**
 * Content-script match lists in the manifest are fixed at build time, so the per-site
 * observe switch registers a small MAIN-world script (entrypoints/observe.content.ts) for
 * those sites at run time, one match pattern per origin (port included).
 */
export async function syncObserveScript(scripting: ScriptingLike, sites: string[]): Promise<void> {
  const ids = [OBSERVE_SCRIPT_ID];
  if ((await scripting.getRegisteredContentScripts({ ids })).length) await scripting.unregisterContentScripts({ ids });
  if (!sites.length) return;
  const matches = sites.map((origin) => `${origin}/*`);
  await scripting.registerContentScripts([
    { id: OBSERVE_SCRIPT_ID, matches, js: ['content-scripts/observe.js'], world: 'MAIN', runAt: 'document_start', allFrames: true, persistAcrossSessions: true },
  ]);
}
