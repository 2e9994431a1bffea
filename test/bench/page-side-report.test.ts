import { describe, expect, it } from 'vitest';
import { pageSideRows } from '../../lib/bench/page-side-report';

const paired = (added: number) => ({ withExtension: [50, 52], without: [49, 50], medianWith: 51, medianWithout: 49.5, added, spread: [0.5, 2.5] as [number, number] });

describe('pageSideRows', () => {
  it('reports each measure with its spread and judges each goal', () => {
    const rows = pageSideRows({ timing: { load: paired(1.5), domInteractive: paired(3) }, longestTask: { runsMs: [40, 61, 45], medianMs: 45, longTasks: [0, 1, 0] } });
    expect(rows.measures[0]).toContain('**+1.5 ms** (IQR 0.5 ms … 2.5 ms; 51 ms with, 49.5 ms without)');
    expect(rows.goals).toEqual([
      '| page load added, paired loads | ≤ 2 ms median | 1.5 ms | met |',
      '| `domInteractive` added | ≤ 1 ms median | 3 ms | **not met** |',
      '| longest task, 10 000-event burst | < 50 ms | 45 ms | met |',
    ]);
  });
});
