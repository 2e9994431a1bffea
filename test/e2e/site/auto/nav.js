// A router normalising the URL while the page loads: must not count a second page view.
history.replaceState(null, '', location.pathname + '?utm_source=test');
