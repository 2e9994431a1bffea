import { describe, expect, it, vi } from 'vitest';
import { onFault, patch, safely } from '../../../lib/tracker/auto/guard';

describe('patch', () => {
  function target() {
    return { push(this: { calls: number }, n: number) { this.calls++; return n * 2; }, calls: 0 };
  }

  it('returns what the original returns, with its `this`, and restores it on abort', () => {
    const history = target();
    const original = history.push;
    const seen: number[] = [];
    const run = new AbortController();
    patch(history, 'push', (push, active) => function (this: { calls: number }, n: number) {
      const result = push.call(this, n);
      if (active()) seen.push(n);
      return result;
    }, run.signal);
    expect(history.push).not.toBe(original);
    expect(history.push(21)).toBe(42);
    expect(history.calls).toBe(1);
    expect(seen).toEqual([21]);
    run.abort();
    expect(history.push).toBe(original);
  });

  it('leaves a page wrapper in place on abort and only passes calls through', () => {
    const history = target();
    const seen: number[] = [];
    const run = new AbortController();
    patch(history, 'push', (push, active) => function (this: { calls: number }, n: number) {
      if (active()) seen.push(n);
      return push.call(this, n);
    }, run.signal);
    const ours = history.push;
    const pageWrapper = function (this: { calls: number }, n: number) { return ours.call(this, n) + 1; };
    history.push = pageWrapper;
    run.abort();
    expect(history.push).toBe(pageWrapper);
    expect(history.push(1)).toBe(3);
    expect(seen).toEqual([]);
  });

  it('lets the original’s exceptions through unchanged', () => {
    const api = { go() { throw new TypeError('page error'); } };
    patch(api, 'go', (go) => function () { return go(); }, new AbortController().signal);
    expect(() => api.go()).toThrow(TypeError);
  });
});

describe('safely', () => {
  it('sends a handler’s exception to the fault handler instead of the caller', () => {
    const fault = vi.fn();
    onFault(fault);
    expect(() => safely(() => { throw new Error('tracker bug'); })()).not.toThrow();
    expect(fault).toHaveBeenCalledWith(expect.objectContaining({ message: 'tracker bug' }));
  });
});
