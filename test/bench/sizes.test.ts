import { describe, expect, it } from 'vitest';
import { gzipSize, stableChunkName } from '../../lib/bench/sizes';

describe('stableChunkName', () => {
  it("drops Vite's content hash so budgets survive a rebuild", () => {
    expect(stableChunkName('chunks/viewer-D3hgKfai.js')).toBe('chunks/viewer.js');
    expect(stableChunkName('assets/viewer-BprHQ8_H.css')).toBe('assets/viewer.css');
  });
  it('leaves unhashed names alone', () => {
    expect(stableChunkName('content-scripts/tracker.js')).toBe('content-scripts/tracker.js');
    expect(stableChunkName('background.js')).toBe('background.js');
  });
});

describe('gzipSize', () => {
  it('is smaller than the raw size for repetitive text', () => {
    const text = 'track("signup_completed");'.repeat(100);
    expect(gzipSize(text)).toBeLessThan(text.length / 10);
  });
});
