import { describe, expect, it } from 'vitest';
import type { WorkerToViewer } from '../../lib/protocol';
import { INITIAL_MODEL, applyMessage, rowAt } from '../../lib/viewer/model';
import { makeEvent, makeRecord } from '../helpers';

const page = (over: Partial<Extract<WorkerToViewer, { type: 'page' }>>): WorkerToViewer => ({ type: 'page', id: 'list', seq: 1, live: true, total: 0, offset: 0, records: [], ...over });

describe('the viewer model holds windows, not history', () => {
  it('keeps the latest answer of each live view, and drops an answer to an older request', () => {
    const a = makeRecord(makeEvent());
    let model = applyMessage(INITIAL_MODEL, page({ seq: 2, total: 500, offset: 100, records: [a] }));
    expect(rowAt(model.pages.list, 100)).toEqual(a);
    expect(rowAt(model.pages.list, 99)).toBeUndefined();
    expect(rowAt(model.pages.list, 101)).toBeUndefined();
    model = applyMessage(model, page({ seq: 1, total: 9 }));
    expect(model.pages.list!.total).toBe(500);
  });

  it('does not keep one-off answers (an export reads those itself)', () => {
    const model = applyMessage(INITIAL_MODEL, page({ id: 'read-1', live: false, total: 5000, records: [makeRecord(makeEvent())] }));
    expect(model.pages).toEqual({});
  });
});
