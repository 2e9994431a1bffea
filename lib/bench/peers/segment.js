import { AnalyticsBrowser } from '@segment/analytics-next';

let analytics;
export async function init(api) {
  // Settings given inline, so nothing is fetched from Segment's CDN.
  const segmentio = { apiKey: 'bench-key', apiHost: `${new URL(api).host}/v1`, protocol: 'http' };
  [analytics] = await AnalyticsBrowser.load({ writeKey: 'bench-key', cdnSettings: { integrations: { 'Segment.io': segmentio } } });
}
export const track = (name, properties) => void analytics.track(name, properties);
