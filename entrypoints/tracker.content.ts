import { installTracker } from '@/lib/tracker/install';

/**
 * The page's `window.Trodo`. MAIN world at document_start, so it exists before the page's
 * first script and is unaffected by the page's CSP. It has no extension API: it talks to
 * the bridge content script through window events.
 */
export default defineContentScript({
  matches: ['<all_urls>'],
  world: 'MAIN',
  runAt: 'document_start',
  globalName: false,
  main() {
    installTracker(window);
  },
});
