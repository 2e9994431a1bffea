import type { Page } from '@playwright/test';
import { harness } from './harness';
import { median, sleep } from './stats';

export interface TrackCost {
  /** µs per call of each run. */
  runs1k: number[];
  runs10k: number[];
  /** Runs that hit the 20 s budget before making all their calls: calls made. */
  cutShort: number[];
  median1k: number;
  median10k: number;
}

export const RUNS = { small: { n: 1_000, times: 5 }, large: { n: 10_000, times: 3 } } as const;

/**
 * µs per track() call in synchronous loops of 1 000 and 10 000 calls with small
 * properties. Between runs `settle` lets the SDK's asynchronous work (batching, sending)
 * finish, so that one run's background work does not land in the next run's loop.
 */
export async function measureTrackCost(page: Page, tag: string, settle: (calls: number) => Promise<void>, into: TrackCost = emptyCost()): Promise<TrackCost> {
  const h = harness(page);
  // One unmeasured warm-up, so that every run sees optimized code.
  await h.loop(200, `${tag}-warmup`);
  await settle(200);
  const one = async (n: number, name: string, runs: number[]) => {
    const { us, calls } = await h.loop(n, name);
    runs.push(us);
    if (calls < n) into.cutShort.push(calls);
    into.median1k = median(into.runs1k);
    into.median10k = median(into.runs10k);
    await settle(calls);
  };
  for (let i = 0; i < RUNS.small.times; i++) await one(RUNS.small.n, `${tag}-1k-${i}`, into.runs1k);
  for (let i = 0; i < RUNS.large.times; i++) await one(RUNS.large.n, `${tag}-10k-${i}`, into.runs10k);
  return into;
}

/** Filled in run by run, so that a caller that gives up on a slow SDK keeps the runs it finished. */
export const emptyCost = (): TrackCost => ({ runs1k: [], runs10k: [], cutShort: [], median1k: Number.NaN, median10k: Number.NaN });

/** For peers, which have no acks to wait for: a pause long enough for their batch timers. */
export const pauseFor = (calls: number) => sleep(calls >= 10_000 ? 3000 : 1500);
