import { describe, expect, it } from 'vitest';
import { pageDataPerBurst } from '../../lib/tracker/page-data';

/** A window whose reads are counted: innerWidth is one of the reads that can force a layout. */
function fakeWindow() {
  const counts = { layout: 0 };
  const win = {
    location: { href: 'https://shop.test/a', pathname: '/a' },
    document: { title: 'A', referrer: '' },
    screen: { width: 1280, height: 720 },
    get innerWidth() {
      counts.layout++;
      return 1000;
    },
    innerHeight: 700,
    devicePixelRatio: 2,
  };
  return { win: win as unknown as Window, counts, raw: win };
}

describe('pageDataPerBurst', () => {
  it('reads the page once per task, again when the URL changed within it, and afresh in the next task', async () => {
    const { win, counts, raw } = fakeWindow();
    const tasks: (() => void)[] = [];
    const pageData = pageDataPerBurst(win, (task) => void tasks.push(task));
    const first = pageData();
    expect(pageData()).toBe(first);
    expect(counts.layout).toBe(1);
    expect(first).toMatchObject({ url: 'https://shop.test/a', path: '/a', title: 'A', viewportWidth: 1000, dpi: 2 });
    // pushState and a track() in the same task: the new URL is read.
    raw.location = { href: 'https://shop.test/b', pathname: '/b' };
    raw.document.title = 'B';
    expect(pageData()).toMatchObject({ url: 'https://shop.test/b', path: '/b', title: 'B' });
    expect(counts.layout).toBe(2);
    // The next task: read again (the title may have changed without the URL).
    tasks.splice(0).forEach((task) => task());
    raw.document.title = 'B, loaded';
    expect(pageData().title).toBe('B, loaded');
    expect(counts.layout).toBe(3);
  });
});
