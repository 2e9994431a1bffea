// The slim entry: capture without the bundled extras (recorder, surveys, toolbar…).
import posthog from 'posthog-js/dist/module.slim.js';

export function init(api) {
  return new Promise((resolve) => {
    posthog.init('phc_bench', {
      api_host: api,
      autocapture: false,
      capture_pageview: false,
      capture_pageleave: false,
      disable_session_recording: true,
      disable_surveys: true,
      loaded: () => resolve(),
    });
  });
}
export const track = (name, properties) => void posthog.capture(name, properties);
