import type { ViewerToWorker, WorkerToViewer } from '../protocol';

export interface ViewerPort {
  postMessage(message: ViewerToWorker): void;
  onMessage: { addListener(listener: (message: WorkerToViewer) => void): void };
  onDisconnect: { addListener(listener: () => void): void };
}

/**
 * A viewer's line to the worker. The worker may be stopped while the popup is open; the
 * port then closes and is opened again, which wakes the worker and brings a fresh snapshot.
 */
export function connectViewer(connect: () => ViewerPort, onMessage: (message: WorkerToViewer) => void) {
  let port: ViewerPort | null = null;
  const listeners = new Set<(message: WorkerToViewer) => void>();
  const open = () => {
    const next = connect();
    next.onMessage.addListener(onMessage);
    next.onMessage.addListener((message) => listeners.forEach((listen) => listen(message)));
    next.onDisconnect.addListener(() => {
      port = null;
      setTimeout(open, 100);
    });
    port = next;
  };
  open();
  return {
    send(command: ViewerToWorker) {
      if (!port) open();
      port!.postMessage(command);
    },
    /** Hears every message from the worker too (a one-off request's answer); returns an unsubscribe. */
    listen(listener: (message: WorkerToViewer) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
