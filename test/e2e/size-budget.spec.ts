import { expect, test } from '@playwright/test';
import { EXTENSION_DIR } from '../../lib/demo/browser';
import { GZIP_BUDGETS, TRACKER_CHUNK } from '../../lib/bench/budgets';
import { chunkSizes } from '../../lib/bench/sizes';

// Sizes are deterministic, so they are checked on every build; timings are not, so they
// live only in `npm run bench`. Runs on the build the e2e global setup made (read inside
// the tests: Playwright collects test files before the global setup has built anything).

test('the MAIN-world tracker is within its gzip budget', () => {
  const chunks = chunkSizes(EXTENSION_DIR);
  const tracker = chunks.find((c) => c.chunk === TRACKER_CHUNK);
  expect(tracker, `${TRACKER_CHUNK} in the build`).toBeDefined();
  expect(tracker!.gzip, `${TRACKER_CHUNK} gzip bytes`).toBeLessThanOrEqual(GZIP_BUDGETS[TRACKER_CHUNK]!);
});

test('every built chunk has a budget in lib/bench/budgets.ts and is within it', () => {
  const chunks = chunkSizes(EXTENSION_DIR);
  expect(chunks.length, 'chunks in the build').toBeGreaterThan(0);
  const over = chunks
    .filter((c) => !(c.chunk in GZIP_BUDGETS) || c.gzip > GZIP_BUDGETS[c.chunk]!)
    .map((c) => `${c.chunk}: ${c.gzip} B gzip, budget ${GZIP_BUDGETS[c.chunk] ?? 'none'}`);
  expect(over, 'chunks over budget or without one (see lib/bench/budgets.ts)').toEqual([]);
});
