import type { HistoryRecord } from '../history';
import type { ViewQuery, ViewerToWorker, WorkerToViewer } from '../protocol';

/** Records per request when a whole view is read (the worker's MAX_VIEW_LIMIT). */
const SLICE = 5000;
let requests = 0;
const RESEND_MS = 5000;

interface Line {
  send(command: ViewerToWorker): void;
  listen(listener: (message: WorkerToViewer) => void): () => void;
}

/**
 * Every record of a view, newest first, read from the worker a slice at a time: what an
 * export, a QA report or a draft plan is made of. The list itself never holds more than
 * its window; these hold the view only while the file is made. Records that arrive while
 * it reads shift the later slices, so a record may come twice: it is kept once.
 */
export async function readView(line: Line, query: ViewQuery): Promise<HistoryRecord[]> {
  const id = `read-${++requests}`;
  const byId = new Map<string, HistoryRecord>();
  for (let offset = 0, seq = 0; ; offset += SLICE, seq++) {
    const page = await new Promise<Extract<WorkerToViewer, { type: 'page' }>>((resolve) => {
      const ask = () => line.send({ type: 'view', id, seq, query, offset, limit: SLICE, live: false });
      // The worker may be stopped between request and answer (the port then reopens): asking
      // again is harmless, the answer is the same.
      const retry = setInterval(ask, RESEND_MS);
      const stop = line.listen((message) => {
        if (message.type === 'page' && message.id === id && message.seq === seq) {
          stop();
          clearInterval(retry);
          resolve(message);
        }
      });
      ask();
    });
    for (const record of page.records) byId.set(record.id, record);
    if (page.records.length < SLICE || offset + SLICE >= page.total) break;
  }
  return [...byId.values()];
}
