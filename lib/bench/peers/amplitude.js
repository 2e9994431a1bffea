import * as amplitude from '@amplitude/analytics-browser';

export function init(api) {
  return amplitude.init('bench-key', undefined, { serverUrl: `${api}/2/httpapi`, autocapture: false, fetchRemoteConfig: false }).promise;
}
export const track = (name, properties) => void amplitude.track(name, properties);
