import { describe, expect, it } from 'vitest';
import type { TrodoEvent } from '../../lib/event';
import type { Identity } from '../../lib/tracker/identity';
import { createOutbox } from '../../lib/tracker/outbox';
import type { OutboxStore } from '../../lib/tracker/outbox-store';
import { deferred, makeEvent, settle, type Deferred } from '../helpers';

interface Write {
  puts: string[];
  deletes: string[];
  identity: Identity | null;
}

/** A store that records each write and lets the test decide when it finishes. */
function recordingStore(opts: { hold?: boolean; fail?: boolean } = {}) {
  const writes: Write[] = [];
  const gates: Deferred<void>[] = [];
  const store: OutboxStore = {
    load: async () => ({ events: [], identity: null }),
    write(puts: readonly TrodoEvent[], deletes: readonly string[], identity: Identity | null) {
      writes.push({ puts: puts.map((e) => e.id), deletes: [...deletes], identity });
      if (opts.fail) return Promise.reject(new Error('quota exceeded'));
      if (!opts.hold) return Promise.resolve();
      const gate = deferred<void>();
      gates.push(gate);
      return gate.promise;
    },
  };
  return { store, writes, gates };
}

const identity: Identity = { anonymousId: 'a', distinctId: 'a', sessionId: 's', sessionStartedAt: 0, lastActivityAt: 0 };

describe('createOutbox', () => {
  it('writes everything put in one task as one transaction', async () => {
    const { store, writes } = recordingStore();
    const outbox = createOutbox(store, queueMicrotask, () => {});
    const events = Array.from({ length: 50 }, () => makeEvent());
    for (const event of events) outbox.put(event);
    outbox.saveIdentity(identity);
    expect(writes).toHaveLength(0);
    await settle();
    expect(writes).toEqual([{ puts: events.map((e) => e.id), deletes: [], identity }]);
  });

  it('never writes an event acknowledged before its write started', async () => {
    const { store, writes } = recordingStore();
    const outbox = createOutbox(store, queueMicrotask, () => {});
    const [a, b] = [makeEvent(), makeEvent()];
    outbox.put(a);
    outbox.put(b);
    outbox.remove(a.id);
    await settle();
    expect(writes).toEqual([{ puts: [b.id], deletes: [], identity: null }]);
  });

  it('gathers changes made during a write into one follow-up write', async () => {
    const { store, writes, gates } = recordingStore({ hold: true });
    const outbox = createOutbox(store, queueMicrotask, () => {});
    const [a, b, c] = [makeEvent(), makeEvent(), makeEvent()];
    outbox.put(a);
    await settle();
    expect(writes).toHaveLength(1);
    outbox.put(b);
    outbox.remove(a.id);
    outbox.put(c);
    await settle();
    expect(writes).toHaveLength(1); // still one in flight
    gates[0]!.resolve();
    await settle();
    expect(writes).toEqual([
      { puts: [a.id], deletes: [], identity: null },
      { puts: [b.id, c.id], deletes: [a.id], identity: null },
    ]);
  });

  it('writes nothing when nothing changed', async () => {
    const { store, writes } = recordingStore();
    createOutbox(store, queueMicrotask, () => {});
    await settle();
    expect(writes).toHaveLength(0);
  });

  it('reports a failed write and keeps working', async () => {
    const { store, writes } = recordingStore({ fail: true });
    const errors: unknown[] = [];
    const outbox = createOutbox(store, queueMicrotask, (e) => errors.push(e));
    outbox.put(makeEvent());
    await settle();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('quota exceeded');
    outbox.put(makeEvent());
    await settle();
    expect(writes).toHaveLength(2);
  });

  it('copies the identity at write time, so later changes are not lost or torn', async () => {
    const { store, writes } = recordingStore();
    const outbox = createOutbox(store, queueMicrotask, () => {});
    const live = { ...identity };
    outbox.saveIdentity(live);
    await settle();
    live.sessionId = 'changed-after';
    expect(writes[0]!.identity).toEqual(identity);
  });
});
