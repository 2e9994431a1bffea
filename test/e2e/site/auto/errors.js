// The page's own error handling: it must still see its own errors, and only those.
window.__seen = [];
window.addEventListener('error', (event) => window.__seen.push(event.message));
window.addEventListener('unhandledrejection', (event) => window.__seen.push(String(event.reason && event.reason.message)));
document.getElementById('throw').addEventListener('click', () => {
  throw new Error('boom for jo.error@example.com');
});
document.getElementById('reject').addEventListener('click', () => {
  Promise.reject(new Error('rejected on purpose'));
});

// Network calls whose results the page checks: the tracker must not change them.
window.__network = async () => {
  const results = {};
  const missing = await fetch('/auto/missing.json?token=sekret-token-1');
  results.fetchStatus = missing.status;
  results.fetchText = await missing.text();
  try {
    await fetch('http://127.0.0.1:9/unreachable');
    results.failure = 'resolved';
  } catch (error) {
    results.failure = error.name;
  }
  results.xhrStatus = await new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', '/auto/missing-xhr.json?token=sekret-token-2');
    xhr.onload = () => resolve(xhr.status);
    xhr.send();
  });
  const ok = await fetch('/auto/errors.html');
  results.okStatus = ok.status;
  return results;
};
