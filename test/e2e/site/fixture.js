// Records what the page saw of window.Trodo when its first script ran.
window.__trodoAtFirstScript = typeof window.Trodo;
document.getElementById('signup')?.addEventListener('click', () => {
  window.Trodo.track('signup_completed', { plan: 'pro' });
});
