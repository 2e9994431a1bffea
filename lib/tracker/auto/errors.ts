import type { Emit } from './catalog';
import { on } from './guard';
import { cleanUrl, mask } from './mask';

/** At most this many js_error events per page load: a page erroring in a loop must not flood the queue. */
const MAX_PER_LOAD = 50;
const MAX_MESSAGE = 300;
const MAX_STACK = 1000;

/**
 * js_error, from window `error` (script errors; resource load errors do not bubble and are
 * not listened for) and `unhandledrejection`. Listeners only observe: the page's own
 * handlers and the console still see every error exactly as before.
 */
export function startErrors(emit: Emit, signal: AbortSignal): void {
  let count = 0;
  const report = (error_type: string, error: unknown, message: unknown, extra: Record<string, string | number>) => {
    if (++count > MAX_PER_LOAD) return;
    const stack = error instanceof Error ? error.stack : undefined;
    emit('js_error', {
      error_type,
      error_class: error instanceof Error ? error.name : typeof error,
      message: mask(describe(message), MAX_MESSAGE),
      stack: mask(stack, MAX_STACK),
      ...extra,
      last_event_name: emit.last(),
    });
  };
  on<ErrorEvent>(window, 'error', (event) => {
    if (!(event instanceof ErrorEvent)) return;
    report('javascript_error', event.error, event.message, {
      source: cleanUrl(event.filename || ''),
      line: event.lineno || 0,
      column: event.colno || 0,
    });
  }, signal, false);
  on<PromiseRejectionEvent>(window, 'unhandledrejection', (event) => {
    const reason: unknown = event.reason;
    report('unhandled_promise_rejection', reason, reason instanceof Error ? reason.message : reason, {});
  }, signal, false);
}

function describe(value: unknown): string {
  try {
    return typeof value === 'string' ? value : value instanceof Error ? value.message : String(value);
  } catch {
    return 'unreadable';
  }
}
