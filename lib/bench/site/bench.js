// Harness for `npm run bench`. Ours: window.Trodo, injected by the extension. A peer:
// ?peer=NAME loads /peers/NAME.js (a minified IIFE exposing BenchPeer.init/track) and
// points it at ?sink=URL, a local server.
(function () {
  const params = new URLSearchParams(location.search);
  const peer = params.get('peer');
  let track = null;
  let acked = 0;
  const ackWaiters = [];

  // Acks travel bridge → page on this channel; counting them tells when events are stored.
  window.addEventListener('trodo:bridge-to-page', (event) => {
    const detail = event.detail;
    if (typeof detail !== 'string' || !detail.startsWith('{"t":"ack"')) return;
    acked += JSON.parse(detail).ids.length;
    for (let i = ackWaiters.length - 1; i >= 0; i--) {
      if (acked >= ackWaiters[i].target) ackWaiters.splice(i, 1)[0].resolve();
    }
  });

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
    acked: () => acked,
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
    untilAcked(target, timeoutMs) {
      if (acked >= target) return Promise.resolve(true);
      return new Promise((resolve) => {
        const waiter = { target, resolve: () => resolve(true) };
        ackWaiters.push(waiter);
        setTimeout(() => resolve(false), timeoutMs);
      });
    },
  };
})();
