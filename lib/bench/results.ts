import type { Delivery } from './delivery';
import type { Machine } from './machine';
import type { MainThread } from './main-thread';
import type { NodeSdkResult } from './node-sdks';
import type { PageLoad } from './page-load';
import type { PageSide } from './page-side-report';
import type { PeerResult, WebdriverFinding } from './peer-bench';
import type { PlanValidation } from './plan-validation';
import type { ViewerBench } from './viewer-bench';
import type { ChunkSize } from './sizes';
import type { TrackCost } from './track-cost';

/** Everything one `npm run bench` measured; written to bench-results/latest.json. */
export interface BenchResults {
  machine: Machine;
  durationS: number;
  /** Extension settings in force (defaults, apart from host and site id). */
  settings: { batchSize: number; flushIntervalMs: number };
  sizes: {
    chunks: (ChunkSize & { budget: number | null })[];
    officialUmd: { file: string; raw: number; gzip: number };
    peers: { id: string; packageName: string; version: string; raw: number; gzip: number }[];
  };
  ours: { cost: TrackCost };
  peers: PeerResult[];
  /** The Node SDKs side by side (lib/bench/node-sdks.ts). */
  node: NodeSdkResult[];
  webdriver: WebdriverFinding;
  delivery: Delivery;
  pageLoad: PageLoad;
  /** Paired page timing (load end, domInteractive) and the longest task in a burst (lib/bench/page-side-report.ts). */
  pageSide?: PageSide;
  mainThread: MainThread;
  queue: {
    events: number;
    /** navigator.storage.estimate() of the extension origin, bytes. */
    storageBefore: { usage: number; indexedDB: number | null };
    storageAfter: { usage: number; indexedDB: number | null };
    workerHeap: { usedSize: number; totalSize: number } | null;
    workerHeapError?: string;
  };
  /** The popup over 10 000 and 100 000 events in history (lib/bench/viewer-bench.ts). */
  popup: ViewerBench;
  /** Checking events against a tracking plan, by the worker's code path. */
  planValidation: PlanValidation & { deliveryWithPlan: Delivery };
  /** Requests to hosts other than loopback, by host: answered locally or blocked, never sent. */
  offLoopback: { extensionBrowser: Record<string, number>; peerBrowser: Record<string, number> };
}
