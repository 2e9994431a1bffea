import type { PageSdkInfo, SdkMode } from '../protocol';

/**
 * The npm version of each official SDK build we have checked, by the version its code
 * names itself (`VERSION: "v0.11.24"` in trodo@2.0.0's UMD, ESM and CJS builds alike).
 */
export const KNOWN_BUILDS: Readonly<Record<string, string>> = { 'v0.11.24': '2.0.0' };

/** A script of the page as the bridge sees it in the DOM: external (src) or inline (text). */
export interface PageScript {
  src: string | null;
  text: string;
  /** Its `site-id` attribute, where the official script tag takes its site id. */
  siteId: string | null;
}

export interface PageSdkDeps {
  /** The page's script elements now. */
  scripts: () => PageScript[];
  /** The text of a script the page loaded (normally from the HTTP cache); rejects when it cannot. */
  fetchText: (url: string) => Promise<string>;
  debug: (message: string) => void;
  /** The mode in force for this page (settings.observeSites). */
  mode: () => SdkMode;
}

/** Trodo's ingestion host in the SDK's code, and its self-declared version next to it. */
const MARKER = 'sdkapi.trodo.ai';
const BUILD = /VERSION\s*:\s*["'](v\d+\.\d+\.\d+)["']/;

/** The official SDK's build version named in a script's text, or null when it is not Trodo's SDK. */
export function sdkBuildIn(text: string): string | null {
  if (!text.includes(MARKER)) return null;
  return BUILD.exec(text)?.[1] ?? 'unknown';
}

/**
 * What the page ships of Trodo's own SDK. The tracker reports the moment something asks for
 * `Trodo.initialized` — trodo@2.0.0 does before starting, in its script and npm builds — and
 * whenever the page names its site id; the bridge then reads the page's scripts (the DOM is
 * shared with the page; their text comes from the HTTP cache) to tell which SDK and version.
 * Detection runs once per page; a later report only updates the site id.
 */
export function createPageSdk(deps: PageSdkDeps) {
  let siteId: string | null = null;
  let found: { build: string; src: string | null; siteId: string | null } | null = null;
  let detecting: Promise<void> | null = null;

  async function detect() {
    for (const script of deps.scripts()) {
      let text = script.text;
      if (script.src) {
        try {
          text = await deps.fetchText(script.src);
        } catch (error) {
          deps.debug(`could not read ${script.src} to look for Trodo's SDK: ${String(error)}`);
          continue;
        }
      }
      const build = sdkBuildIn(text);
      if (build) return void (found = { build, src: script.src, siteId: script.siteId });
    }
  }

  return {
    /** The tracker's `sdk` message: `site` is the page's site id, or ''. */
    noted(site: string) {
      if (site) siteId = site;
      detecting ??= detect().catch((error) => deps.debug(`Trodo SDK detection failed: ${String(error)}`));
    },
    /** Waits for a running detection; null when the page never reported anything. */
    async info(): Promise<PageSdkInfo | null> {
      if (!detecting) return null;
      await detecting;
      return {
        version: found ? (KNOWN_BUILDS[found.build] ?? null) : null,
        build: found?.build ?? null,
        src: found?.src ?? null,
        // The official SDK prefers its script tag's attribute over init({ siteId }).
        siteId: found?.siteId || siteId,
        mode: deps.mode(),
      };
    },
  };
}
