/**
 * Size budgets of the built extension (`.output/chrome-mv3`), in gzip bytes (level 9), by
 * chunk name without Vite's content hash. The one place they are written:
 * `test/e2e/size-budget.spec.ts` fails when a chunk is over its budget or has none, and
 * `npm run bench` reports against them.
 *
 * The MAIN-world tracker's budget is the product goal: every page pays for it. The others
 * are the size measured when they were last set (2026-11-25, after merging auto-capture,
 * the fault matrix and the viewer) plus about 15 %, rounded up to
 * half a KiB, so that growth is a decision made here rather than an accident.
 */
export const TRACKER_CHUNK = 'content-scripts/tracker.js';
/** The isolated-world bridge: a plain script listed as a content script by wxt.config.ts (see entrypoints/bridge.ts). */
export const BRIDGE_CHUNK = 'bridge.js';

const KiB = 1024;

export const GZIP_BUDGETS: Readonly<Record<string, number>> = {
  // The goal is 12 KiB (issue 15, still open). Raised to 12.5 KiB when the page-side
  // redesign's first half (start-up after load, one outbox record per write, the cheaper
  // track() path: about +300 B) met propagation headers (issue 16, +35 B). Merging
  // tracker.ts and api.ts into one core did not bring them back: the core is about as big
  // as the two halves, and ids at birth added ~130 B (the room before each id and the
  // session's anchor on the oldest unstamped item), onIgnored's details ~70 B. Raised to
  // 12.75 KiB for that, then 13 KiB when anonymous and session ids stopped relying on
  // crypto.randomUUID, which plain-http pages do not have (+77 B). The 12 KiB goal needs
  // about 790 B more out of the chunk: by removal, people and groups are ~750 B and each
  // auto-event family 300-550 B; nothing of that size goes without losing behaviour.
  [TRACKER_CHUNK]: 13 * KiB, // measured 10.8 KiB with auto-capture; 12.4 KiB after issues 15 (part) and 16; 12.69 KiB (12 995 B) with the one core (issue 15); 12.77 KiB (13 072 B) with ids for plain-http pages
  // Lowered from 7.5 KiB when the bridge stopped bundling webextension-polyfill and WXT's
  // content-script wrapper (issue 15: its start-up cost every page more than its own code).
  [BRIDGE_CHUNK]: 4 * KiB, // measured 5.9 KiB; 7.0 KiB with the page-SDK detection (issue 18); 3.5 KiB without the polyfill
  // Registered at run time for observe sites only (lib/worker/observe-script.ts).
  'content-scripts/observe.js': 0.5 * KiB,
  // Raised from 15 KiB for the tracking plan (issue 12), which by design is checked in the
  // worker: @cfworker/json-schema (6.4 KiB gzip alone; a validator that generates no code, as
  // MV3 requires), the plan's own schema, loader, checks and Segment import; per-site sending
  // (issue 20) added 0.7 KiB, observe mode's request log (issue 18) about 1 KiB.
  // Raised from 30 KiB for paging history in the worker (issue 17): per-chunk digests, the
  // view queries and the plan's coverage, which the worker now computes over all of history.
  // Raised again, to 36 KiB, when paging met the collector's stream reader (issue 16: the SSE
  // parser, resume and server records), the flusher's several requests in flight and grouped
  // settling writes (issue 17) and the worker's parsing of the page's events text (issue 15).
  // The worker is loaded once per browser, not per page: these bytes cost no page anything.
  'background.js': 36 * KiB, // measured 12.8 KiB before the plan; 27.7 KiB with the plan, per-site sending and observe mode; 30.7 KiB with paging; 34.8 KiB with issues 15-17 merged
  'chunks/viewer.js': 12 * KiB, // measured 10.1 KiB (Preact and the shared viewer code)
  // Raised from 8 KiB for the Plan tab, coverage, the draft-plan inference and the QA report
  // (issue 12), the sending line (issue 20) and the page-SDK banner and observed requests (issue 18).
  // Raised from 13 KiB for server events (issue 16: badge, source filter, stream status line,
  // Identity list) and the windowed list (issue 17: window requests, reading a whole view for exports).
  'chunks/Viewer.js': 14 * KiB, // measured 12.3 KiB; 13.1 KiB with server events; 13.1 KiB with the windowed list alone; 13.65 KiB with both
  'chunks/popup.js': 0.5 * KiB,
  'chunks/sidepanel.js': 0.5 * KiB,
  'chunks/options.js': 3 * KiB, // measured 2.4 KiB with plan loading (file, paste, URL); 1.6 KiB before
  'assets/viewer.css': 2.5 * KiB, // measured 2.1 KiB
  'popup.html': 0.5 * KiB,
  'sidepanel.html': 0.5 * KiB,
  'options.html': 0.5 * KiB,
};
