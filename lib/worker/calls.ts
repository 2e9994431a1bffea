import type { HistoryRecord } from '../history';
import type { WorkerToBridge } from '../protocol';
import { identifyAnswer } from '../wire/calls';
import type { HttpResult } from '../delivery/transport';

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
