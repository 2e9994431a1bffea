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
  const open = () => {
    const next = connect();
    next.onMessage.addListener(onMessage);
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
  };
}
