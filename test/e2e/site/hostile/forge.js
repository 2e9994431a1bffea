// Tries every way a page script could reach the tracker ⇄ bridge channel: the window
// CustomEvents an earlier version used (with everything the bridge must refuse, and a flood),
// forged channel offers, WXT's "content script started" invalidation, and replays of every
// message the extension posts where this page can see it. This is the page's first script.
'use strict';
const CHANNEL = 'trodo:page-to-bridge';
const OLD_CHANNEL_TO_PAGE = 'trodo:bridge-to-page';
/** The event the tracker and the bridge meet with at document_start (lib/page-channel.ts). */
const HANDSHAKE = 'trodo-qa';

/** Every window message this page can see, from its first script on. */
const seenMessages = [];
window.addEventListener('message', (message) => seenMessages.push(message.data));

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
      { type: 'events', events: [event('object_detail')] }, // objects do not cross worlds as JSON strings
      'not json',
      '[]',
      'null',
      JSON.stringify({ type: 'events', events: 'all of them' }),
      JSON.stringify({ type: 'events', events: [{ ...event('bad_id'), id: 'not-a-uuid' }] }),
      JSON.stringify({ type: 'events', events: [{ ...event('bad_kind'), kind: 'system' }] }),
      JSON.stringify({ type: 'events', events: [event('')] }),
      JSON.stringify({ type: 'events', events: [event('x'.repeat(300))] }),
      JSON.stringify({ type: 'events', events: [event('huge_event', { properties: { blob: 'x'.repeat(70 * 1024) } })] }),
      JSON.stringify({ type: 'events', events: Array.from({ length: 1001 }, () => event('too_many_in_one_message')) }),
      `{"type":"events","events":[],"pad":"${'x'.repeat(3 * 1024 * 1024)}"}`,
      // Messages that claim to be the viewer's or the worker's.
      JSON.stringify({ type: 'save-settings', change: { apiHost: trapUrl, siteId: 'stolen' } }),
      JSON.stringify({ type: 'save-settings', change: { apiHost: trapUrl, siteId: 'stolen' } }),
      JSON.stringify({ type: 'flush' }),
      JSON.stringify({ type: 'clear', queue: true }),
      JSON.stringify({ type: 'clear', queue: true }),
      JSON.stringify({ type: 'config', capture: false, autoEvents: false }),
      JSON.stringify({ type: 'ack', ids: [] }),
    ];
    for (const message of messages) post(message);
    return messages.length;
  },
  /** A well-formed event that claims to come from another origin and tab. */
  spoof(victimUrl) {
    const spoofed = event('spoofed_origin', { origin: new URL(victimUrl).origin, tabId: 1, page: { ...event('x').page, url: victimUrl } });
    post(JSON.stringify({ type: 'events', events: [spoofed] }));
    return spoofed.id;
  },
  /**
   * The two forgeries that silenced capture before the channel was private, plus replays of
   * everything the extension posted where the page could see it. Returns what it did.
   */
  silence(startedType) {
    const done = [];
    const ready = JSON.stringify({ type: 'ready', capture: false, autoEvents: false });
    // 1. A forged bridge-to-page `ready` with capture off, on the old window channel.
    window.dispatchEvent(new CustomEvent(OLD_CHANNEL_TO_PAGE, { detail: ready }));
    done.push('old-channel ready');
    // 2. WXT's "content script started" event with another messageId: it invalidates the
    //    content script's context. Its name is in the message WXT posts at start (when this
    //    script was early enough to see it), and derivable from the public extension id.
    const started = seenMessages.filter((data) => data && typeof data.type === 'string' && data.type.endsWith(':wxt:content-script-started'));
    if (!started.some((data) => data.type === startedType)) started.push({ type: startedType, contentScriptName: 'bridge', messageId: 'seen-by-no-one' });
    for (const data of started) {
      document.dispatchEvent(new CustomEvent(data.type, { detail: { contentScriptName: data.contentScriptName, messageId: 'forged' } }));
      done.push(`invalidate ${data.contentScriptName}`);
    }
    // 3. Replays of every message the extension posted on window, as messages and as events.
    for (const data of [...seenMessages, ...started]) {
      window.postMessage(data, '*');
      if (data && typeof data.type === 'string') document.dispatchEvent(new CustomEvent(data.type, { detail: data }));
      done.push('replay');
    }
    // 4. Forged channel offers: a node of the page's own, offered the way the two sides meet,
    //    then the silencing `ready` and a spoofed event sent on it in both directions.
    const node = document.createElement('div');
    const accepted = !window.dispatchEvent(new MouseEvent(HANDSHAKE, { relatedTarget: node, cancelable: true }));
    for (const type of [`${HANDSHAKE}page`, `${HANDSHAKE}bridge`]) {
      node.dispatchEvent(new CustomEvent(type, { detail: ready }));
      node.dispatchEvent(new CustomEvent(type, { detail: JSON.stringify({ type: 'events', events: [event('forged_offer')] }) }));
    }
    done.push(accepted ? 'offer accepted' : 'offer ignored');
    return done;
  },
  /** `messages` messages of `perMessage` forged events each, as fast as the page can post them. */
  flood(messages, perMessage) {
    const started = performance.now();
    for (let m = 0; m < messages; m++) {
      post(JSON.stringify({ type: 'events', events: Array.from({ length: perMessage }, (_, i) => event('forged_flood', { properties: { m, i } })) }));
    }
    return performance.now() - started;
  },
};
