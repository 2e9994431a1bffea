/**
 * The Promise constructor as it was when the tracker started (document_start, before any
 * page script ran). A page that later replaces `window.Promise` must not break
 * window.Trodo's promises or the outbox; `async` functions and `await` already use the
 * engine's own Promise, whatever the page does.
 */
export const NativePromise: PromiseConstructor = Promise;
