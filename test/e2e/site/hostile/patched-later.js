'use strict';
document.getElementById('buy').addEventListener('click', () => {
  window.__attempt('click track', () => window.Trodo.track('patched_click', { where: 'buy' }));
  document.getElementById('results').textContent = window.__hostile.results.join('\n');
});
document.getElementById('results').textContent = window.__hostile.results.join('\n');
