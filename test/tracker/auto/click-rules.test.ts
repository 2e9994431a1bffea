import { describe, expect, it, vi } from 'vitest';
import { createDeadClickJudge, createRageCounter } from '../../../lib/tracker/auto/click-rules';

describe('rage clicks', () => {
  const a = {};
  const b = {};

  it('fires on the third click on one element within 1 s and 30 px, once per burst', () => {
    const hit = createRageCounter();
    expect([hit(a, 10, 10, 0), hit(a, 20, 15, 300), hit(a, 12, 30, 900), hit(a, 10, 10, 950)]).toEqual([0, 0, 3, 0]);
  });

  it('does not fire when clicks are too slow, too far apart, or on another element', () => {
    const slow = createRageCounter();
    expect([slow(a, 0, 0, 0), slow(a, 0, 0, 600), slow(a, 0, 0, 1200)]).toEqual([0, 0, 0]);
    const far = createRageCounter();
    expect([far(a, 0, 0, 0), far(a, 40, 0, 100), far(a, 80, 0, 200)]).toEqual([0, 0, 0]);
    const other = createRageCounter();
    expect([other(a, 0, 0, 0), other(b, 0, 0, 100), other(a, 0, 0, 200)]).toEqual([0, 0, 0]);
  });

  it('starts a new burst after one ends', () => {
    const hit = createRageCounter();
    [0, 100, 200].forEach((t) => hit(a, 0, 0, t));
    expect([hit(a, 0, 0, 2000), hit(a, 0, 0, 2100), hit(a, 0, 0, 2200)]).toEqual([0, 0, 3]);
  });
});

describe('dead clicks', () => {
  function setup() {
    const timers: { at: number; task: () => void }[] = [];
    let now = 0;
    const dead: string[] = [];
    const judge = createDeadClickJudge<string>((task, ms) => timers.push({ at: now + ms, task }), (click) => dead.push(click));
    const advance = (ms: number) => {
      now += ms;
      for (const timer of timers.filter((t) => t.at <= now)) {
        timers.splice(timers.indexOf(timer), 1);
        timer.task();
      }
    };
    return { judge, dead, advance };
  }

  it('reports a click followed by nothing for 1 s', () => {
    const { judge, dead, advance } = setup();
    judge.click('div');
    advance(999);
    expect(dead).toEqual([]);
    advance(1);
    expect(dead).toEqual(['div']);
    expect(judge.watching()).toBe(false);
  });

  it('does not report a click followed by a DOM change, scroll or navigation', () => {
    const { judge, dead, advance } = setup();
    judge.click('div');
    advance(500);
    judge.activity();
    advance(1000);
    expect(dead).toEqual([]);
  });

  it('judges each click on its own clock', () => {
    const { judge, dead, advance } = setup();
    judge.click('first');
    advance(600);
    judge.activity();
    judge.click('second');
    advance(1000);
    expect(dead).toEqual(['second']);
  });

  it('works with fake timers as the injected clock', () => {
    vi.useFakeTimers();
    const onDead = vi.fn();
    const judge = createDeadClickJudge<number>((task, ms) => setTimeout(task, ms), onDead);
    judge.click(1);
    vi.advanceTimersByTime(1000);
    expect(onDead).toHaveBeenCalledWith(1);
    vi.useRealTimers();
  });
});
