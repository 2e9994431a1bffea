/**
 * Registered at run time, only for the sites where the page's own Trodo SDK is observed
 * (lib/worker/observe-script.ts): it runs right after the tracker at document_start and
 * takes `window.Trodo` away from it, so the official SDK finds nothing and starts as
 * shipped. The tracker stays inert there (the worker tells its bridge capture is off).
 */
export default defineContentScript({
  // Where it runs is decided at run time (syncObserveScript); none from the manifest.
  matches: [],
  registration: 'runtime',
  world: 'MAIN',
  runAt: 'document_start',
  globalName: false,
  main() {
    if (Object.getOwnPropertyDescriptor(window, 'Trodo')?.get) delete (window as { Trodo?: unknown }).Trodo;
  },
});
