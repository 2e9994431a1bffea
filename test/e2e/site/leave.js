// Tracks right before the page goes away: by navigation, or by closing its window.
document.getElementById('leave').addEventListener('click', () => {
  window.Trodo.track('nav_click', { from: location.search });
});
document.getElementById('close').addEventListener('click', () => {
  window.Trodo.track('closing_tab');
  window.close();
});
