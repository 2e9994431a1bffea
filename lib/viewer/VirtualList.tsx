import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

interface Props<T> {
  /** How many rows the list has. */
  count: number;
  /** The row at an index, or undefined while its window is not loaded (a placeholder is drawn). */
  rowAt: (index: number) => T | undefined;
  /** The rows drawn changed: [first, last) including the overscan. */
  onRange: (first: number, last: number) => void;
  rowHeight: number;
  selectedIndex: number;
  onMove: (index: number) => void;
  renderRow: (item: T | undefined, index: number) => ComponentChildren;
  label: string;
  testId?: string;
}

const OVERSCAN = 8;

/**
 * A list that renders only the rows in view, so 100 000 events cost what 20 do; it holds
 * none of them either: `rowAt` reads the window the viewer was sent, and `onRange` says
 * which rows to fetch. Rows have a fixed height; arrow keys, Page Up/Down, Home and End
 * move the selection.
 */
export function VirtualList<T>({ count, rowAt, onRange, rowHeight, selectedIndex, onMove, renderRow, label, testId }: Props<T>) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);

  useLayoutEffect(() => {
    const el = box.current!;
    setHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Keep the selected row in view when the keyboard moves it.
  useEffect(() => {
    const el = box.current;
    if (!el || selectedIndex < 0) return;
    const top = selectedIndex * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  }, [selectedIndex, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);
  useEffect(() => onRange(first, last), [first, last]);
  const page = Math.max(1, Math.floor(height / rowHeight) - 1);

  function onKeyDown(event: KeyboardEvent) {
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    const delta = moves[event.key];
    if (delta === undefined || count === 0) return;
    event.preventDefault();
    onMove(Math.min(count - 1, Math.max(0, (selectedIndex < 0 ? -1 : selectedIndex) + delta)));
  }

  return (
    <div
      ref={box}
      class="virtual"
      role="listbox"
      aria-label={label}
      aria-activedescendant={selectedIndex >= 0 ? `row-${selectedIndex}` : undefined}
      tabIndex={0}
      data-testid={testId}
      data-count={count}
      onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
      onKeyDown={onKeyDown}
    >
      <div style={{ height: `${count * rowHeight}px`, position: 'relative' }}>
        {Array.from({ length: Math.max(0, last - first) }, (_, i) => (
          <div key={first + i} id={`row-${first + i}`} class="virtual-row" style={{ top: `${(first + i) * rowHeight}px`, height: `${rowHeight}px` }}>
            {renderRow(rowAt(first + i), first + i)}
          </div>
        ))}
      </div>
    </div>
  );
}
