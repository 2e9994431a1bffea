/** Rage click: this many clicks on one element… */
export const RAGE_CLICKS = 3;
/** …each within this long of the first and this far from it. */
export const RAGE_WINDOW_MS = 1000;
export const RAGE_RADIUS_PX = 30;
/** A click with no navigation, DOM change or scroll within this long is dead. */
export const DEAD_AFTER_MS = 1000;

/**
 * Counts clicks towards a rage click. Returns the burst's click count when it reaches
 * three, once per burst (a fourth and fifth click in the same burst do not fire again);
 * otherwise 0. Times come from the caller, so tests need no clock.
 *
 * @example
 * const hit = createRageCounter();
 * hit(button, 10, 10, 0); hit(button, 12, 10, 200); hit(button, 11, 9, 400) // → 3
 */
export function createRageCounter() {
  let target: unknown = null;
  let burst: { x: number; y: number; t: number }[] = [];
  let fired = false;
  return (el: unknown, x: number, y: number, t: number): number => {
    const first = burst[0];
    if (el !== target || !first || t - first.t > RAGE_WINDOW_MS || Math.hypot(first.x - x, first.y - y) > RAGE_RADIUS_PX) {
      target = el;
      burst = [];
      fired = false;
    }
    burst.push({ x, y, t });
    if (burst.length < RAGE_CLICKS || fired) return 0;
    fired = true;
    return burst.length;
  };
}

/**
 * Decides dead clicks. `click` starts a 1 s watch; any `activity()` (a DOM change, a
 * scroll, a navigation) in that time clears every watched click; a click still watched
 * when its time is up is reported. `setTimer` is injected so tests control time.
 */
export function createDeadClickJudge<T>(setTimer: (task: () => void, ms: number) => void, onDead: (click: T) => void) {
  const watched = new Set<{ click: T }>();
  return {
    click(click: T) {
      const entry = { click };
      watched.add(entry);
      setTimer(() => watched.delete(entry) && onDead(entry.click), DEAD_AFTER_MS);
    },
    activity() {
      watched.clear();
    },
    /** Whether any click is being watched (so observers can sleep when none is). */
    watching: () => watched.size > 0,
  };
}
