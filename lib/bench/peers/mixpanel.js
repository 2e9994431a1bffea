// The core build, without the session recorder.
import mixpanel from 'mixpanel-browser/dist/mixpanel-core.cjs.js';

export function init(api) {
  return new Promise((resolve) => {
    mixpanel.init('bench-token', { api_host: api, batch_requests: true, track_pageview: false, loaded: () => resolve() });
  });
}
export const track = (name, properties) => void mixpanel.track(name, properties);
