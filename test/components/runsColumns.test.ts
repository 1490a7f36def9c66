import { describe, expect, it } from 'vitest';
import { CHECK_WIDTH, fitColumns, NAME_WIDTH, RUN_COLUMNS } from '../../src/renderer/src/lib/runsColumns';

const keys = (width: number) => fitColumns(width).map((c) => c.key);
const total = (width: number) => fitColumns(width).reduce((s, c) => s + c.width, CHECK_WIDTH);
const all = RUN_COLUMNS.map((c) => c.key);

describe('fitColumns (the runs table fits its width)', () => {
  it('shows every column, in order, when there is room, and gives the spare room to the name', () => {
    const wide = 3000;
    const cols = fitColumns(wide);
    expect(cols.map((c) => c.key)).toEqual(all);
    expect(total(wide)).toBe(wide);
    expect(cols.find((c) => c.key === 'name')!.width).toBe(wide - RUN_COLUMNS.filter((c) => c.key !== 'name').reduce((s, c) => s + c.width, 0) - CHECK_WIDTH);
  });

  it('fits a 1440 px window (1,390 px of table, scrollbar included) by hiding the backend and sweep columns only', () => {
    const cols = fitColumns(1390);
    expect(all.filter((k) => !cols.some((c) => c.key === k))).toEqual(['sweep', 'backend']);
    expect(total(1390)).toBe(1390);
    expect(cols.find((c) => c.key === 'name')!.width).toBeGreaterThanOrEqual(NAME_WIDTH);
  });

  it('hides lower-priority columns first as it narrows, never the name, status or final return', () => {
    let before = keys(3000);
    for (let w = 3000; w >= 300; w -= 25) {
      const now = keys(w);
      expect(now.every((k) => before.includes(k))).toBe(true);
      expect(now).toEqual(expect.arrayContaining(['name', 'status', 'final']));
      if (now.length > 3) expect(total(w)).toBe(w);
      before = now;
    }
    // 28 + 270 + 116 + 158 + 66 + 136 + 96 + 94 = 964 px: at 1,000 the method column (79) no longer fits, at 960 env steps (96) neither.
    expect(keys(1000)).toEqual(['name', 'env', 'status', 'lastEval', 'final', 'envSteps', 'duration']);
    expect(keys(960)).toEqual(['name', 'env', 'status', 'lastEval', 'final', 'duration']);
    expect(keys(300)).toEqual(['name', 'status', 'final']);
  });
});
