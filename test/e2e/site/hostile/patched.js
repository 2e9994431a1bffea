// Runs before every other page script (the extension's tracker is already there, from
// document_start). Freezes Object.prototype and replaces JSON, Promise, fetch and
// addEventListener with versions that throw or spy, as a hostile or badly written page might.
'use strict';
const seen = { fetchCalls: 0, listenersAdded: 0, results: [] };
window.__hostile = seen;
Object.freeze(Object.prototype);
JSON.stringify = () => {
  throw new Error('page: JSON.stringify is disabled');
};
JSON.parse = () => {
  throw new Error('page: JSON.parse is disabled');
};
window.Promise = function Promise() {
  throw new Error('page: Promise is disabled');
};
window.fetch = () => {
  seen.fetchCalls++;
  throw new Error('page: fetch is disabled');
};
const addEventListener = EventTarget.prototype.addEventListener;
EventTarget.prototype.addEventListener = function (...args) {
  seen.listenersAdded++;
  return addEventListener.apply(this, args);
};

/** Calls window.Trodo and records whether it threw into this page. */
function attempt(label, call) {
  try {
    call();
    seen.results.push(`${label}: ok`);
  } catch (error) {
    seen.results.push(`${label}: threw ${error && error.message}`);
  }
}
window.__attempt = attempt;
attempt('track', () => window.Trodo.track('after_patches', { step: 1, nested: { ok: true }, tags: ['a', 'b'] }));
attempt('identify', () => window.Trodo.identify('hostile-user'));
attempt('people.set', () => window.Trodo.people.set({ plan: 'pro' }));
attempt('track with a category', () => window.Trodo.track('patched_checkout', { total: 12.5 }, { category: 'commerce' }));
