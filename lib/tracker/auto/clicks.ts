import type { JsonObject } from '../../json';
import type { Emit } from './catalog';
import { createDeadClickJudge, createRageCounter } from './click-rules';
import { capturable, describe, isInteractive } from './element';
import { later, on, safely } from './guard';

/** element_click, rage_click and dead_click, from one capture-phase click listener. */
export function startClicks(emit: Emit, signal: AbortSignal): void {
  const rage = createRageCounter();
  const observer = new MutationObserver(safely(() => judge.activity()));
  let observing = false;
  const judge = createDeadClickJudge<{ href: string; data: JsonObject; element: JsonObject }>(
    (task, ms) => later(() => {
      task();
      if (!judge.watching() && observing) {
        observer.disconnect();
        observing = false;
      }
    }, ms, signal),
    (click) => click.href === location.href && emit('dead_click', click.data, click.element),
  );
  const activity = () => judge.activity();
  signal.addEventListener('abort', () => observer.disconnect());

  on<MouseEvent>(document, 'click', (event) => {
    const el = capturable(event.target);
    if (!el) return;
    const element = describe(el, event);
    const data: JsonObject = {
      click_coordinates: { x: event.clientX, y: event.clientY },
      page_x: event.pageX,
      page_y: event.pageY,
      double_click: event.detail === 2,
    };
    emit('element_click', data, element);
    const count = rage(el, event.clientX, event.clientY, event.timeStamp);
    if (count) emit('rage_click', { ...data, click_count: count }, element);
    if (!isInteractive(el)) {
      // Watch the DOM only while a click is pending, so idle pages pay nothing.
      if (!observing) observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
      observing = true;
      judge.click({ href: location.href, data, element });
    }
  }, signal);
  for (const type of ['scroll', 'popstate', 'hashchange', 'pagehide']) on(window, type, activity, signal);
}
