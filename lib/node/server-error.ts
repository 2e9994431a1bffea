import { inspect } from 'node:util';
import type { JsonObject } from '../json';
import { tokenBucket } from '../rate-limit';
import type { Severity } from './types';

/** A client's part in the process hooks: it turns an error into its `server_error` event and flushes. */
export interface ErrorReporter {
  report(error: unknown, origin: ErrorOrigin, severity: Severity): void;
  flush(timeoutMs: number): Promise<unknown>;
}

export type ErrorOrigin = 'uncaughtException' | 'unhandledRejection' | 'captureError';

/** How long a crashing process waits for its server_error to be delivered. */
export const CRASH_FLUSH_MS = 2000;
const MAX_MESSAGE = 1000;
const MAX_STACK = 8000;

/** The `server_error` event's properties (Trodo's server auto-event shape). */
export function errorProperties(error: unknown, severity: Severity, origin: ErrorOrigin): JsonObject {
  const isError = error instanceof Error;
  const message = isError ? error.message : typeof error === 'string' ? error : inspect(error, { depth: 2 });
  return {
    error_type: isError ? error.name : typeof error,
    error_message: message.slice(0, MAX_MESSAGE),
    stack_trace: isError && typeof error.stack === 'string' ? error.stack.slice(0, MAX_STACK) : null,
    runtime: 'nodejs',
    severity,
    mechanism: origin,
  };
}

/**
 * Every client with auto-events shares one pair of process listeners, so that "is ours the
 * only uncaughtException listener" means the same for all of them.
 */
const reporters = new Set<ErrorReporter>();
/** A burst of one error (a handler failing in a loop) sends a few events, not thousands. */
const buckets = new Map<string, ReturnType<typeof tokenBucket>>();

export function addErrorReporter(reporter: ErrorReporter, proc: NodeJS.Process = process): () => void {
  if (reporters.size === 0) install(proc);
  reporters.add(reporter);
  return () => {
    if (reporters.delete(reporter) && reporters.size === 0) uninstall(proc);
  };
}

/** Whether this error may be sent now (at most 5 a minute of the same type and message). */
export function admitError(error: unknown, now: () => number = Date.now): boolean {
  const key = error instanceof Error ? `${error.name}:${error.message}` : String(error);
  let bucket = buckets.get(key);
  if (!bucket) {
    if (buckets.size >= 100) buckets.delete(buckets.keys().next().value!);
    bucket = tokenBucket({ capacity: 5, perSecond: 5 / 60 }, now);
    buckets.set(key, bucket);
  }
  return bucket.take(1);
}

let mode: string = 'throw';

/**
 * Node's `--unhandled-rejections` mode. In `throw` (the default) and `strict`, an unhandled
 * rejection arrives as an uncaughtException with origin "unhandledRejection", and an
 * unhandledRejection listener would change that (Node stops raising): so none is added.
 */
function rejectionMode(proc: NodeJS.Process): string {
  const args = [...(proc.env.NODE_OPTIONS ?? '').split(/\s+/), ...proc.execArgv];
  let found = 'throw';
  for (const arg of args) {
    const match = /^--unhandled-rejections=(.+)$/.exec(arg);
    if (match) found = match[1]!;
  }
  return found;
}

function onUncaught(error: unknown, origin: string) {
  const from: ErrorOrigin = origin === 'unhandledRejection' ? 'unhandledRejection' : 'uncaughtException';
  const proc = process;
  const admitted = admitError(error);
  const flushes: Promise<unknown>[] = [];
  for (const reporter of reporters) {
    if (admitted) reporter.report(error, from, 'critical');
    flushes.push(reporter.flush(CRASH_FLUSH_MS));
  }
  // Another listener decides what happens to the process; Node would not exit either.
  if (proc.listenerCount('uncaughtException') > 1) return;
  // As Node does with no listener: print the error, exit with 1 (after the flush).
  proc.stderr.write(`${formatUncaught(error)}\n`);
  void Promise.allSettled(flushes).finally(() => proc.exit(1));
}

function onRejection(reason: unknown) {
  if (admitError(reason)) for (const reporter of reporters) reporter.report(reason, 'unhandledRejection', 'error');
  for (const reporter of reporters) void reporter.flush(CRASH_FLUSH_MS);
  if (mode === 'warn-with-error-code') {
    // Node warns and sets the exit code only when no listener is set: ours is, so do both.
    process.emitWarning(`Unhandled promise rejection: ${inspect(reason)}`, 'UnhandledPromiseRejectionWarning');
    process.exitCode = 1;
  }
}

function install(proc: NodeJS.Process) {
  mode = rejectionMode(proc);
  proc.on('uncaughtException', onUncaught);
  if (mode === 'warn' || mode === 'none' || mode === 'warn-with-error-code') proc.on('unhandledRejection', onRejection);
}

function uninstall(proc: NodeJS.Process) {
  proc.off('uncaughtException', onUncaught);
  proc.off('unhandledRejection', onRejection);
}

/** What Node prints for an uncaught error: the inspected error and the Node version. */
export function formatUncaught(error: unknown): string {
  return `${inspect(error)}\n\nNode.js ${process.version}`;
}
