import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface ChunkSize {
  /** Path inside the build, with Vite's content hash removed (`chunks/viewer.js`). */
  chunk: string;
  file: string;
  raw: number;
  gzip: number;
}

/** Gzip at level 9, as a CDN or store serves it; the same figure everywhere in the bench. */
export function gzipSize(bytes: Buffer | string): number {
  return gzipSync(bytes, { level: 9 }).length;
}

/** `chunks/viewer-D3hgKfai.js` → `chunks/viewer.js`: budgets must survive a rebuild. */
export function stableChunkName(path: string): string {
  return path.replace(/-[A-Za-z0-9_-]{8}(\.[a-z]+)$/, '$1');
}

/** Raw and gzip bytes of every script, style and page in a built extension folder. */
export function chunkSizes(dir: string): ChunkSize[] {
  const out: ChunkSize[] = [];
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(js|css|html)$/.test(name)) {
        const bytes = readFileSync(path);
        const file = relative(dir, path);
        out.push({ chunk: stableChunkName(file), file, raw: bytes.length, gzip: gzipSize(bytes) });
      }
    }
  };
  walk(dir);
  return out.sort((a, b) => a.chunk.localeCompare(b.chunk));
}
