import { describe, expect, it } from 'vitest';
import { toJson, toNdjson } from '../../lib/viewer/export';
import { toWireEvent } from '../../lib/wire/events';
import { makeEvent, makeRecord } from '../helpers';

const records = [
  makeRecord(makeEvent({ notes: ['"url" is a reserved name filled by the tracker; stripped'] }), { status: 'sent', httpStatus: 200, attempts: 1 }),
  makeRecord(makeEvent({ name: 'checkout_failed' }), { status: 'dropped', reason: 'HTTP 400: bad' }),
];

describe('export', () => {
  it('writes valid JSON: the event exactly as sent, its delivery and the tracker’s notes', () => {
    const parsed = JSON.parse(toJson(records));
    expect(parsed).toHaveLength(2);
    expect(parsed[0].event).toEqual(toWireEvent(records[0]!.event));
    expect(parsed[0].delivery).toMatchObject({ status: 'sent', httpStatus: 200, attempts: 1 });
    expect(parsed[0].delivery.event).toBeUndefined();
    expect(parsed[0].notes).toHaveLength(1);
    expect(parsed[1].delivery).toMatchObject({ status: 'dropped', reason: 'HTTP 400: bad' });
  });

  it('writes NDJSON: one object per line, the same objects as the JSON export', () => {
    const lines = toNdjson(records).trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines.map((l) => JSON.parse(l))).toEqual(JSON.parse(toJson(records)));
  });

  it('exports nothing as an empty array and an empty file', () => {
    expect(JSON.parse(toJson([]))).toEqual([]);
    expect(toNdjson([])).toBe('');
  });
});
