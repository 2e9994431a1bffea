import type { BrowserContext, Page } from '@playwright/test';
import { harness } from './harness';
import type { PeerBundle } from './peers';
import { sleep } from './stats';
import { emptyCost, measureTrackCost, pauseFor, type TrackCost } from './track-cost';

/**
 * Makes the page look like a person's browser: navigator.webdriver false, and no
 * "Headless" in the user agent. Applied to peers only (the official Trodo SDK switches
 * itself off otherwise; ours works either way, which is the point of the extension).
 */
const LOOK_HUMAN = () => {
  Object.defineProperty(Navigator.prototype, 'webdriver', { get: () => false, configurable: true });
  const ua = navigator.userAgent.replace('HeadlessChrome', 'Chrome');
  Object.defineProperty(Navigator.prototype, 'userAgent', { get: () => ua, configurable: true });
};

/** Wall-clock limit per peer: an SDK whose cost grows with its queue could otherwise hold the bench for many minutes. */
export const PEER_LIMIT_MS = 90_000;

export interface PeerResult {
  id: string;
  version: string;
  ready: boolean;
  cost: TrackCost | null;
  /** The runs did not all finish within PEER_LIMIT_MS; the figures are of the runs that did. */
  timedOut?: boolean;
  /** Requests the sink (the peer's API host, on loopback) received during the measurement. */
  sinkRequests: number;
  error?: string;
}

async function openPeer(context: BrowserContext, siteUrl: string, sinkUrl: string, id: string, human: boolean): Promise<{ page: Page; ready: boolean }> {
  const page = await context.newPage();
  if (human) await page.addInitScript(LOOK_HUMAN);
  await page.goto(`${siteUrl}/bench.html?peer=${id}&sink=${encodeURIComponent(sinkUrl)}`);
  const ready = await harness(page).ready(15_000);
  return { page, ready };
}

export async function measurePeer(context: BrowserContext, siteUrl: string, sink: { url: string; requests(): number; reset(): void }, bundle: PeerBundle): Promise<PeerResult> {
  const { id } = bundle.peer;
  sink.reset();
  const { page, ready } = await openPeer(context, siteUrl, sink.url, id, true);
  const cost = emptyCost();
  try {
    const finished = await Promise.race([measureTrackCost(page, id, pauseFor, cost).then(() => true), sleep(PEER_LIMIT_MS).then(() => false)]);
    return { id, version: bundle.version, ready, cost, timedOut: !finished, sinkRequests: sink.requests() };
  } catch (error) {
    return { id, version: bundle.version, ready, cost, sinkRequests: sink.requests(), error: String(error) };
  } finally {
    // A page still busy in a loop may not answer a polite close.
    await Promise.race([page.close({ runBeforeUnload: false }), sleep(5000)]).catch(() => {});
  }
}

export interface WebdriverFinding {
  webdriver: boolean;
  userAgent: string;
  calls: number;
  /** Requests it made to its API host (answered locally) after `calls` track() calls. */
  requests: number;
}

/** The official SDK as shipped, under automation: does it track at all? */
export async function officialUnderAutomation(context: BrowserContext, siteUrl: string, attempts: () => Record<string, number>): Promise<WebdriverFinding> {
  const before = attempts()['sdkapi.trodo.ai'] ?? 0;
  const { page } = await openPeer(context, siteUrl, 'http://127.0.0.1:9', 'trodo', false);
  const calls = 20;
  await harness(page).loop(calls, 'webdriver-check');
  await sleep(1500);
  const env = await page.evaluate(() => ({ webdriver: navigator.webdriver, userAgent: navigator.userAgent }));
  await page.close();
  return { ...env, calls, requests: (attempts()['sdkapi.trodo.ai'] ?? 0) - before };
}
