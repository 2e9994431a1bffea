// Speaks to the extension's bridge directly, the way the tracker does (a CustomEvent on
// window with a JSON string), with everything the bridge must refuse, and a flood.
'use strict';
const CHANNEL = 'trodo:page-to-bridge';

/** A well-formed event as the tracker would post it. */
function event(name, overrides = {}) {
  return {
    id: crypto.randomUUID(),
    time: Date.now(),
    kind: 'custom',
    name,
    category: 'custom',
    sessionId: 'forged-session',
    distinctId: 'forged-user',
    properties: { forged: true },
    page: { url: location.href, path: location.pathname, title: document.title, referrer: null, screenWidth: 1, screenHeight: 1, viewportWidth: 1, viewportHeight: 1, dpi: 1 },
    ...overrides,
  };
}

function post(detail) {
  window.dispatchEvent(new CustomEvent(CHANNEL, { detail }));
}

window.__forge = {
  /** Every malformed or privileged-looking message; returns how many were posted. */
  junk(trapUrl) {
    const messages = [
      undefined,
      42,
      { t: 'events', events: [event('object_detail')] }, // objects do not cross worlds as JSON strings
      'not json',
      '[]',
      'null',
      JSON.stringify({ t: 'events', events: 'all of them' }),
      JSON.stringify({ t: 'events', events: [{ ...event('bad_id'), id: 'not-a-uuid' }] }),
      JSON.stringify({ t: 'events', events: [{ ...event('bad_kind'), kind: 'system' }] }),
      JSON.stringify({ t: 'events', events: [event('')] }),
      JSON.stringify({ t: 'events', events: [event('x'.repeat(300))] }),
      JSON.stringify({ t: 'events', events: [event('huge_event', { properties: { blob: 'x'.repeat(70 * 1024) } })] }),
      JSON.stringify({ t: 'events', events: Array.from({ length: 1001 }, () => event('too_many_in_one_message')) }),
      `{"t":"events","events":[],"pad":"${'x'.repeat(3 * 1024 * 1024)}"}`,
      // Messages that claim to be the viewer's or the worker's.
      JSON.stringify({ type: 'save-settings', change: { apiHost: trapUrl, siteId: 'stolen' } }),
      JSON.stringify({ t: 'save-settings', change: { apiHost: trapUrl, siteId: 'stolen' } }),
      JSON.stringify({ type: 'flush' }),
      JSON.stringify({ t: 'clear', queue: true }),
      JSON.stringify({ type: 'clear', queue: true }),
      JSON.stringify({ type: 'config', capture: false, autoEvents: false }),
      JSON.stringify({ t: 'ack', ids: [] }),
    ];
    for (const message of messages) post(message);
    return messages.length;
  },
  /** A well-formed event that claims to come from another origin and tab. */
  spoof(victimUrl) {
    const spoofed = event('spoofed_origin', { origin: new URL(victimUrl).origin, tabId: 1, page: { ...event('x').page, url: victimUrl } });
    post(JSON.stringify({ t: 'events', events: [spoofed] }));
    return spoofed.id;
  },
  /** `messages` messages of `perMessage` forged events each, as fast as the page can post them. */
  flood(messages, perMessage) {
    const started = performance.now();
    for (let m = 0; m < messages; m++) {
      post(JSON.stringify({ t: 'events', events: Array.from({ length: perMessage }, (_, i) => event('forged_flood', { properties: { m, i } })) }));
    }
    return performance.now() - started;
  },
};
