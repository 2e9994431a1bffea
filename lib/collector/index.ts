/**
 * `trodo-qa/collector`: the local collector in code, on a free port of 127.0.0.1 by default.
 *
 * @example
 * import { startCollector } from 'trodo-qa/collector';
 * const collector = await startCollector();
 * // point the extension (or the Node SDK) at collector.url, then:
 * await fetch(`${collector.url}/__collector/wait`, { method: 'POST', body: JSON.stringify({ match: { event_name: 'signup_completed' } }) });
 * await collector.close();
 */
export { startCollector, type Collector, type CollectorOptions, type ReceivedEvent, type ReceivedRequest, type Summary } from './server';
export type { EventFilter, EventMatch, Difference, EventSource } from './query';
export type { Fault } from './faults';
export type { EventSender, StreamItem, StreamGap } from '../collector-stream';
export type { Limits } from './limits';
