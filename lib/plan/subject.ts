import type { TrodoEvent } from '../event';
import { wirePageData, type WireEvent } from '../wire/events';
import type { PlanSubject } from './types';

/** An event from the extension's queue as the plan sees it. Page data is shaped only when a plan asks for it. */
export function subjectOfEvent(event: TrodoEvent): PlanSubject {
  return {
    name: event.call ?? event.name,
    category: event.category,
    kind: event.kind,
    source: 'browser',
    call: event.call,
    properties: event.properties,
    page_data: () => wirePageData(event.page),
    auto_event_data: event.autoData ?? {},
    element_data: event.element,
  };
}

/** An event as the collector received it. `source` is where it came from (the extension's bulk posts are `browser`). */
export function subjectOfWire(event: WireEvent, source: PlanSubject['source'] = 'browser'): PlanSubject {
  return {
    name: event.event_name,
    category: event.event_category,
    kind: event.event_type,
    source,
    properties: event.custom_properties,
    page_data: () => event.page_data,
    auto_event_data: event.auto_event_data,
    element_data: event.element_data,
  };
}
