import type { Emit } from './catalog';
import { capturable, describe } from './element';
import { on } from './guard';
import { cleanUrl } from './mask';

/** media_play and media_pause. Media events do not bubble: capture phase on the document. */
export function startMedia(emit: Emit, signal: AbortSignal): void {
  for (const type of ['play', 'pause'] as const) {
    on(document, type, (event) => {
      const el = event.target;
      if (!(el instanceof HTMLMediaElement) || !capturable(el)) return;
      emit(type === 'play' ? 'media_play' : 'media_pause', {
        media_type: el.tagName.toLowerCase(),
        media_src: cleanUrl(el.currentSrc || el.src) || null,
        media_duration: Number.isFinite(el.duration) ? Math.round(el.duration * 1000) / 1000 : null,
        media_current_time: Math.round(el.currentTime * 1000) / 1000,
      }, describe(el));
    }, signal);
  }
}
