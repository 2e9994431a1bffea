// Array.prototype.push and pop throw, Promise.prototype.then (and so catch and finally) never
// calls back, and window.postMessage swallows every message. Then the page tracks, and says
// on the page (not through a promise, which would never settle here) whether each call threw.
'use strict';
const results = [];
function attempt(label, call) {
  try {
    call();
    results[results.length] = `${label}: ok`;
  } catch (error) {
    results[results.length] = `${label}: threw ${error && error.message}`;
  }
  document.getElementById('results').textContent = results.join('\n');
}
Array.prototype.push = function () {
  throw new Error('page: push is disabled');
};
Array.prototype.pop = function () {
  throw new Error('page: pop is disabled');
};
Promise.prototype.then = function () {
  return this; // never calls back
};
window.postMessage = function () {};

document.addEventListener('DOMContentLoaded', () => {
  attempt('track', () => window.Trodo.track('x', { ok: 1, nested: { list: [1, 2] } }));
  attempt('track with notes', () => window.Trodo.track('builtins_notes', { when: new Date(0), skip: () => 1 }, { category: 42 }));
  // Later calls too: the outbox must be written again after the first write.
  setTimeout(() => attempt('later track', () => window.Trodo.track('builtins_later', { ok: 2 })), 300);
});
