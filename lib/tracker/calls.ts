import type { TrodoEvent } from '../event';
import type { Json, JsonObject } from '../json';
import { sanitizeProperties } from '../sanitize';
import type { CallOp } from '../wire/ops';
import type { Identity } from './identity';
import { NativePromise } from './natives';
import type { SessionItem } from './session';

/** What every identity, profile and group method resolves to; it never rejects. */
export interface Result {
  success: boolean;
  error?: string;
  /** Resolved by a timeout, not an ack: the call waits in the page outbox (extension unreachable). */
  queued?: boolean;
}

/**
 * A call's change to the state, run right after its item was stamped with the state before
 * it: changes `s` in place or returns the state that replaces it. `before` queues session
 * items ahead of the call (reset ends the session it is called in).
 */
export type Apply = (item: TrodoEvent, s: Identity, before: (items: SessionItem[]) => void) => Identity | void;

/** What people, groups and the identity methods are built from (lib/tracker/people.ts, groups.ts). */
export interface CallKit {
  /** Queues an API call in order with the page's events; resolves once the worker has it. */
  call(op: CallOp, args: JsonObject, apply?: Apply): Promise<Result>;
  /** A refused call: says why on the console and resolves `{ success: false, error }`. */
  fail(error: string): Promise<Result>;
  /** A value made JSON-safe as track() makes properties, what changed said on the console. */
  clean(value: unknown): Json;
  /** The methods, each resolving a failure instead of throwing into the page. */
  guard<T extends object>(methods: T): T;
}

export const isKey = (value: unknown): value is string => typeof value === 'string' && value !== '';

export function createCallKit(call: CallKit['call'], debug: (message: string) => void): CallKit {
  const fail = (error: string) => {
    debug(error);
    return NativePromise.resolve<Result>({ success: false, error });
  };
  return {
    call,
    fail,
    clean(value) {
      const notes: string[] = [];
      const out = sanitizeProperties({ value }, notes).value ?? null;
      if (notes.length) debug(notes.join('; '));
      return out;
    },
    guard(methods) {
      for (const [key, value] of Object.entries(methods)) {
        if (typeof value !== 'function') continue;
        (methods as Record<string, unknown>)[key] = (...args: unknown[]) => {
          try {
            return value(...args);
          } catch (error) {
            return fail(`${key} failed: ${String(error)}`);
          }
        };
      }
      return methods;
    },
  };
}
