/**
 * Helpers every auto-event module uses so that the tracker stays harmless to the page:
 * listeners are passive, removed on abort, and never let an error escape into the page's
 * error handlers (it goes to the debug log instead).
 */
let report: (error: unknown) => void = () => {};

/** Where caught tracker errors go; set once by `startAutoEvents`. */
export function onFault(handler: (error: unknown) => void): void {
  report = handler;
}

/** Runs `task`, sending anything it throws to the debug log. */
export function safely<A extends unknown[]>(task: (...args: A) => void): (...args: A) => void {
  return (...args) => {
    try {
      task(...args);
    } catch (error) {
      report(error);
    }
  };
}

/** A passive listener, capture phase unless told otherwise, removed when `signal` aborts. */
export function on<E extends Event = Event>(target: EventTarget, type: string, handler: (event: E) => void, signal: AbortSignal, capture = true): void {
  target.addEventListener(type, safely(handler as (event: Event) => void), { capture, passive: true, signal });
}

/** setTimeout that does nothing once `signal` has aborted. */
export function later(task: () => void, ms: number, signal: AbortSignal): ReturnType<typeof setTimeout> {
  return setTimeout(safely(() => signal.aborted || task()), ms);
}

/**
 * Replaces `target[key]` with `wrap(original)`. On abort the original comes back if ours
 * is still installed; if page code wrapped ours since, ours stays in its chain but only
 * passes calls through, so nobody's wrapper is lost.
 */
export function patch<T extends object, K extends keyof T>(target: T, key: K, wrap: (original: T[K], active: () => boolean) => T[K], signal: AbortSignal): void {
  const original = target[key];
  if (typeof original !== 'function') return;
  const patched = wrap(original, () => !signal.aborted);
  target[key] = patched;
  signal.addEventListener('abort', () => {
    if (target[key] === patched) target[key] = original;
  });
}
