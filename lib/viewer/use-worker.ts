import { useEffect, useMemo, useReducer, useState } from 'preact/hooks';
import type { ViewQuery, ViewerToWorker, WorkerToViewer } from '../protocol';
import { connectViewer, type ViewerPort } from './connection';
import { INITIAL_MODEL, applyMessage } from './model';
import { readView } from './read-view';

/** The worker's live state in a component, and a way to send it commands. */
export function useWorker(connect: () => ViewerPort) {
  const [model, dispatch] = useReducer(applyMessage, INITIAL_MODEL);
  const connection = useMemo(() => connectViewer(connect, (message: WorkerToViewer) => dispatch(message)), [connect]);
  const send = (command: ViewerToWorker) => connection.send(command);
  const readAll = (query: ViewQuery) => readView(connection, query);
  // A clock that ticks once a second, so "next in N s" counts down.
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(id);
  }, []);
  return { model, send, now, readAll };
}
