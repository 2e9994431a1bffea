import type { HistoryRecord } from '../history';
import type { WorkerToBridge } from '../protocol';
import { identifyAnswer } from '../wire-calls';
import type { HttpResult } from './transport';

/**
 * One batch from the head of the queue: a call (identify, people.set, a session record, …)
 * goes alone, to its own endpoint; otherwise the leading run of plain events goes in one
 * bulk request. Taking only a prefix keeps the queue's order on the wire: a session record
 * reaches Trodo before the session's events, identify before the events after it.
 */
export function takeBatch(head: HistoryRecord[]): HistoryRecord[] {
  const [first] = head;
  if (!first || first.event.call) return head.slice(0, 1);
  const end = head.findIndex((r) => r.event.call);
  return end === -1 ? head : head.slice(0, end);
}

/**
 * After a batch was sent: when it was an identify call and Trodo answered with a distinct id,
 * the message for that origin's pages, so they adopt it (the official SDK does so on the answer).
 */
export function answerFor(sent: HistoryRecord[], result: HttpResult): { origin: string; message: WorkerToBridge } | null {
  const [record] = sent;
  if (sent.length !== 1 || record?.event.call !== 'identify' || result.kind !== 'response') return null;
  const distinctId = identifyAnswer(result.body);
  const identifyId = record.event.properties.identifyId;
  if (!distinctId || typeof identifyId !== 'string') return null;
  return { origin: record.origin, message: { type: 'merge', identifyId, distinctId } };
}
