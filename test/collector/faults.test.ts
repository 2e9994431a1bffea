import { describe, expect, it } from 'vitest';
import { createFaultPlan } from '../../lib/collector/faults';

describe('createFaultPlan', () => {
  it('has nothing to do by default', () => {
    const plan = createFaultPlan(() => 0);
    expect(plan.take('/api/events/bulk', 10)).toBeNull();
    expect(plan.pending()).toBe(0);
  });

  it('uses faults in order, each `times` times (default once)', () => {
    const plan = createFaultPlan();
    plan.set([{ status: 503, times: 2 }, { status: 429, retryAfter: '1' }]);
    expect(plan.pending()).toBe(3);
    expect(plan.take('/api/events/bulk', 1)?.status).toBe(503);
    expect(plan.take('/api/events/bulk', 1)?.status).toBe(503);
    expect(plan.take('/api/events/bulk', 1)).toMatchObject({ status: 429, retryAfter: '1' });
    expect(plan.take('/api/events/bulk', 1)).toBeNull();
    expect(plan.pending()).toBe(0);
  });

  it('applies a fault only to its path (bulk by default)', () => {
    const plan = createFaultPlan();
    plan.set([{ status: 500, path: '/api/sdk/identify' }]);
    expect(plan.take('/api/events/bulk', 1)).toBeNull();
    expect(plan.take('/api/sdk/identify', 1)?.status).toBe(500);
  });

  it('applies an overEvents fault only to larger batches and keeps it for later', () => {
    const plan = createFaultPlan();
    plan.set([{ status: 413, overEvents: 5, times: 2 }, { status: 503 }]);
    expect(plan.take('/api/events/bulk', 5)?.status).toBe(503);
    expect(plan.take('/api/events/bulk', 5)).toBeNull();
    expect(plan.take('/api/events/bulk', 6)?.status).toBe(413);
    expect(plan.take('/api/events/bulk', 100)?.status).toBe(413);
    expect(plan.take('/api/events/bulk', 100)).toBeNull();
  });

  it('fails a share of bulk requests at the fail rate, with the given status', () => {
    const draws = [0.1, 0.5, 0.29, 0.9];
    const plan = createFaultPlan(() => draws.shift()!);
    plan.set([], 0.3, 502);
    expect(plan.take('/api/events/bulk', 1)).toEqual({ status: 502 });
    expect(plan.take('/api/events/bulk', 1)).toBeNull();
    expect(plan.take('/api/events/bulk', 1)).toEqual({ status: 502 });
    expect(plan.take('/api/sdk/track', 1)).toBeNull(); // not bulk: no draw
    expect(plan.take('/api/events/bulk', 1)).toBeNull();
  });

  it('set replaces the previous plan', () => {
    const plan = createFaultPlan(() => 0);
    plan.set([{ status: 500, times: 10 }], 1);
    plan.set([]);
    expect(plan.take('/api/events/bulk', 1)).toBeNull();
  });
});
