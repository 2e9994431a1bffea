// Harness for `npm run bench`. Ours: window.Trodo, injected by the extension. A peer:
// ?peer=NAME loads /peers/NAME.js (a minified IIFE exposing BenchPeer.init/track) and
// points it at ?sink=URL, a local server.
(function () {
  const params = new URLSearchParams(location.search);
  const peer = params.get('peer');
  let track = null;

  /**
   * How many events wait in the tracker's outbox (the page origin's IndexedDB `trodo`), or -1.
   * The tracker ⇄ bridge channel is private, so acknowledgements cannot be counted from the
   * page; an event leaves the outbox when the worker has acknowledged it.
   */
  function outboxCount() {
    return new Promise((resolve) => {
      const open = indexedDB.open('trodo');
      open.onerror = () => resolve(-1);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('outbox')) return db.close(), resolve(0);
        const count = db.transaction('outbox').objectStore('outbox').count();
        count.onsuccess = () => (db.close(), resolve(count.result));
        count.onerror = () => (db.close(), resolve(-1));
      };
    });
  }

  async function load() {
    if (!peer) {
      await window.Trodo.ready();
      const trodo = window.Trodo;
      return (name, properties) => trodo.track(name, properties);
    }
    await new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = `/peers/${peer}.js`;
      script.onload = resolve;
      script.onerror = reject;
      document.head.append(script);
    });
    await window.BenchPeer.init(params.get('sink'));
    return window.BenchPeer.track;
  }

  const run = (n, tag, from = 0) => {
    for (let i = from; i < n; i++) track('bench_event', { plan: 'pro', step: i, ok: true, run: tag });
  };

  window.bench = {
    ready: load().then((t) => void (track = t)),
    /**
     * n calls in one synchronous loop: µs per call and the calls made. It stops early past
     * `budgetMs` (an SDK whose cost grows with its queue would otherwise hang the bench);
     * the clock is read every 250 calls, which costs nothing measurable.
     */
    loop(n, tag, budgetMs = 20000) {
      const t0 = performance.now();
      const deadline = t0 + budgetMs;
      let done = 0;
      while (done < n) {
        const to = Math.min(n, done + 250);
        run(to, tag, done);
        done = to;
        if (performance.now() > deadline) break;
      }
      return { us: ((performance.now() - t0) * 1000) / done, calls: done };
    },
    /** n calls in chunks, yielding to the event loop between chunks, as a busy page would. */
    async burst(n, tag, chunk) {
      const start = Date.now();
      for (let i = 0; i < n; i += chunk) {
        run(Math.min(n, i + chunk), tag, i);
        await new Promise((r) => setTimeout(r, 0));
      }
      return { start, end: Date.now() };
    },
    /**
     * Resolves true once the outbox has been empty at two looks 50 ms apart (the tracker may
     * hold the newest events in memory for one transaction's time before writing them), or
     * false after timeoutMs. Each look is one small IndexedDB read.
     */
    async untilAcked(timeoutMs) {
      const deadline = performance.now() + timeoutMs;
      let empty = 0;
      while (performance.now() < deadline) {
        empty = (await outboxCount()) === 0 ? empty + 1 : 0;
        if (empty === 2) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    },
  };
})();
