import { describe, expect, it } from 'vitest';
import { EXCLUDE_ORIGIN_PARAM, STREAM_PATH, readStream, type StreamItem, type StreamMessage } from '../../lib/collector-stream';
import { createTrodo } from '../../lib/node/index';
import { toWireEvent, type WireEvent } from '../../lib/wire/events';
import { makeEvent } from '../helpers';
import { raw } from './raw-http';
import { start } from './start';

const wire = (count: number, name = 'signup_completed'): WireEvent[] => Array.from({ length: count }, () => toWireEvent(makeEvent({ name })));
const post = (url: string, events: WireEvent[], headers: Record<string, string> = {}) =>
  fetch(`${url}/api/events/bulk`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Trodo-Site-Id': 'site-1', ...headers }, body: JSON.stringify({ events }) });

/** Reads the stream from `lastId` until `stop(items)` says so; returns what came. */
async function readUntil(url: string, lastId: number, stop: (items: StreamItem[], gaps: number) => boolean) {
  const items: StreamItem[] = [];
  let gaps = 0;
  const abort = new AbortController();
  const end = await readStream(fetch, `${url}${STREAM_PATH}`, lastId, abort.signal, (messages: StreamMessage[]) => {
    for (const m of messages) {
      if (m.kind === 'event') items.push(m.item);
      else gaps++;
      if (stop(items, gaps)) return abort.abort();
    }
  });
  return { items, gaps, end };
}

describe('collector stream (GET /__collector/stream)', () => {
  it('sends what it holds, then live events, each tagged with who posted it: extension, Node SDK, other', async () => {
    const collector = await start();
    expect((await post(collector.url, wire(1, 'from_extension'), { Origin: 'chrome-extension://abcdefghijklmnop' })).status).toBe(200);
    const node = createTrodo({ siteId: 'node-site', apiHost: collector.url });
    const reading = readUntil(collector.url, 0, (items) => items.length === 3);
    await node.track('user-1', 'from_node');
    await node.shutdown();
    await post(collector.url, wire(1, 'from_curl'));
    const { items, end } = await reading;
    expect(end).toEqual({ kind: 'aborted' });
    expect(items.map((i) => [i.seq, i.event.event_name, i.sender, i.senderOrigin])).toEqual([
      [1, 'from_extension', 'extension', 'chrome-extension://abcdefghijklmnop'],
      [2, 'from_node', 'node-sdk', undefined],
      [3, 'from_curl', 'other', undefined],
    ]);
    expect(collector.events().map((e) => e.sender)).toEqual(['extension', 'node-sdk', 'other']);
  });

  it('leaves out the events of the extension origin named by exclude_origin, and only those', async () => {
    const collector = await start();
    const own = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
    await post(collector.url, wire(2, 'own'), { Origin: own });
    await post(collector.url, wire(1, 'other_extension'), { Origin: 'chrome-extension://ponmlkjihgfedcbaponmlkjihgfedcba' });
    await post(collector.url, wire(1, 'from_curl'));
    await post(collector.url, wire(1, 'own_again'), { Origin: own });
    const items: StreamItem[] = [];
    const abort = new AbortController();
    const reading = readStream(fetch, `${collector.url}${STREAM_PATH}?${EXCLUDE_ORIGIN_PARAM}=${encodeURIComponent(own)}`, 0, abort.signal, (messages) => {
      for (const m of messages) if (m.kind === 'event') items.push(m.item);
      if (items.length >= 3) abort.abort();
    });
    // A live one after the backlog: the last shows the cursor went past the left-out ones.
    await post(collector.url, wire(1, 'live'));
    await reading;
    expect(items.map((i) => [i.seq, i.event.event_name])).toEqual([[3, 'other_extension'], [4, 'from_curl'], [6, 'live']]);
  });

  it('resuming with Last-Event-ID after each disconnect loses and duplicates nothing while events keep coming', async () => {
    const collector = await start();
    const sent: string[] = [];
    let posting = true;
    // A steady sender: batches of 3 events, duplicates of earlier batches mixed in (the collector dedupes them).
    const sender = (async () => {
      for (let i = 0; i < 80; i++) {
        const batch = wire(3, `e${i}`);
        sent.push(...batch.map((e) => e.event_id));
        await post(collector.url, batch);
        if (i % 7 === 0) await post(collector.url, batch); // delivered again
      }
      posting = false;
    })();
    const seen: StreamItem[] = [];
    let lastId = 0;
    let connections = 0;
    while (posting || seen.length < sent.length) {
      connections++;
      // Each connection hangs up after a few events, mid-burst, as a stopped service worker would.
      const take = 7 + (connections % 5);
      const { items } = await readUntil(collector.url, lastId, (got) => got.length >= take || (!posting && seen.length + got.length >= sent.length));
      seen.push(...items);
      if (items.length) lastId = items.at(-1)!.seq;
      if (connections > 400) break;
    }
    await sender;
    expect(connections).toBeGreaterThan(10);
    const ids = seen.map((i) => i.event.event_id);
    expect(new Set(ids).size).toBe(ids.length); // no duplicates
    expect([...ids].sort()).toEqual([...sent].sort()); // nothing lost
    expect(seen.map((i) => i.seq)).toEqual(seen.map((_, n) => n + 1)); // in order, no gaps
  });

  it('a client resuming from before the oldest held event is told of the gap, then gets the rest', async () => {
    const collector = await start({ maxEvents: 5 });
    await post(collector.url, wire(8));
    const { items, gaps } = await readUntil(collector.url, 1, (got) => got.length === 5);
    expect(gaps).toBe(1);
    expect(items.map((i) => i.seq)).toEqual([4, 5, 6, 7, 8]);
    // An id this collector never gave (an earlier run's): everything held.
    const fresh = await readUntil(collector.url, 999, (got) => got.length === 5);
    expect(fresh.items.map((i) => i.seq)).toEqual([4, 5, 6, 7, 8]);
  });

  it('a client that reads nothing while thousands of events arrive gets them all once it reads', async () => {
    const collector = await start();
    const abort = new AbortController();
    const response = await fetch(`${collector.url}${STREAM_PATH}`, { signal: abort.signal });
    for (let i = 0; i < 20; i++) await post(collector.url, wire(500));
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while ((text.match(/^id: /gm)?.length ?? 0) < 10_000) text += (await reader.read()).value;
    abort.abort();
    expect(text.match(/^id: /gm)).toHaveLength(10_000);
  });

  it('refuses a bad Last-Event-ID', async () => {
    const collector = await start();
    const answer = await raw(collector.port, STREAM_PATH, { headers: { Host: `127.0.0.1:${collector.port}`, 'Last-Event-ID': 'x' } });
    expect(answer.status).toBe(400);
  });
});
