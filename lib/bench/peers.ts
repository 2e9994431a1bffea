import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSize } from './sizes';

/** An analytics SDK measured beside ours: a tiny entry file exporting `init(api)` and `track(name, props)`. */
export interface Peer {
  id: string;
  /** npm package and the exact version installed. */
  packageName: string;
  entry: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));

export const PEERS: Peer[] = [
  { id: 'trodo', packageName: 'trodo', entry: 'trodo.js' },
  { id: 'posthog', packageName: 'posthog-js', entry: 'posthog.js' },
  { id: 'mixpanel', packageName: 'mixpanel-browser', entry: 'mixpanel.js' },
  { id: 'amplitude', packageName: '@amplitude/analytics-browser', entry: 'amplitude.js' },
  { id: 'segment', packageName: '@segment/analytics-next', entry: 'segment.js' },
];

export const PEER_GLOBAL = 'BenchPeer';

export interface PeerBundle {
  peer: Peer;
  version: string;
  code: string;
  raw: number;
  gzip: number;
}

export function installedVersion(packageName: string): string {
  const pkg = JSON.parse(readFileSync(join('node_modules', packageName, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Bundles a peer's entry into one minified IIFE exposing `BenchPeer` — what a site that
 * imports and inits the SDK ships. Dynamic imports are inlined, so lazily loaded parts
 * count too.
 */
export async function bundlePeer(peer: Peer): Promise<PeerBundle> {
  const result = await build({
    entryPoints: [join(here, 'peers', peer.entry)],
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: PEER_GLOBAL,
    platform: 'browser',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  const code = result.outputFiles[0]!.text;
  return { peer, version: installedVersion(peer.packageName), code, raw: Buffer.byteLength(code), gzip: gzipSize(code) };
}

/** The official SDK's browser build exactly as the package ships it (not minified). */
export function officialUmdSize() {
  const bytes = readFileSync('node_modules/trodo/lib/umd/index.js');
  return { file: 'node_modules/trodo/lib/umd/index.js', raw: bytes.length, gzip: gzipSize(bytes) };
}
