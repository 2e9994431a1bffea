import { createClient, type TrodoClient } from './client';
import type { NodeOptions } from './types';

/**
 * Trodo's server-side `track` for Node: `import trodo, { createTrodo } from 'trodo-qa/node'`.
 *
 * @example
 * trodo.init({ siteId: process.env.TRODO_SITE_ID!, batchEnabled: true });
 * await trodo.track('user-42', 'job_completed', { duration_seconds: 36 });
 * await trodo.shutdown();
 */
const trodo: TrodoClient = createClient();
export default trodo;

/** A second client, with its own options, queue and sessions. */
export function createTrodo(options: NodeOptions): TrodoClient {
  const client = createClient();
  client.init(options);
  return client;
}

export type { RequestContext, TrodoClient, UserContext } from './client';
export type { CallResult, FlushResult, NodeOptions, Severity, TrackOptions, TrodoError } from './types';
