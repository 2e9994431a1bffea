import { describe, expect, it } from 'vitest';
import { HEARTBEAT, formatGap, formatStreamItem, streamParser, type StreamItem } from '../lib/collector-stream';
import { toWireEvent } from '../lib/wire/events';
import { makeEvent } from './helpers';

const item = (seq: number): StreamItem => ({ seq, event: toWireEvent(makeEvent({ properties: { text: 'line one\nline two: "quoted"' } })), siteId: 's', receivedAt: 1, sender: 'node-sdk' });

describe('the collector stream format', () => {
  const [one, five] = [item(1), item(5)];
  const text = `retry: 1000\n\n${formatStreamItem(one)}${HEARTBEAT}${formatGap({ after: 1, next: 5 })}event: future\ndata: {"x":1}\n\n${formatStreamItem(five)}`;
  const expected = [
    { kind: 'event', item: one },
    { kind: 'gap', gap: { after: 1, next: 5 } },
    { kind: 'event', item: five },
  ];
  const parse = (pieces: string[]) => {
    const parser = streamParser();
    return pieces.flatMap((p) => parser.feed(p));
  };

  it('reads what the collector writes, whole or cut anywhere, skipping comments and unknown types', () => {
    expect(parse([text])).toMatchObject(expected);
    expect(parse([...text])).toMatchObject(expected); // one character at a time
    for (let cut = 1; cut < text.length; cut += 7) expect(parse([text.slice(0, cut), text.slice(cut)])).toMatchObject(expected);
  });

  it('takes CRLF line ends, and skips data that is not an item', () => {
    expect(parse([text.replace(/\n/g, '\r\n')])).toMatchObject(expected);
    expect(parse(['event: event\ndata: {"seq":"x"}\n\nevent: event\ndata: not json\n\n'])).toEqual([]);
  });
});
