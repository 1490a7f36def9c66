import { describe, expect, it } from 'vitest';
import { slotRow } from '../../src/renderer/src/lib/runsView';

describe('slotRow (the runs table recycles its row elements)', () => {
  it('maps slots to rows by hand-computed cases', () => {
    expect([0, 1, 2, 3, 4].map((s) => slotRow(s, 0, 5))).toEqual([0, 1, 2, 3, 4]);
    // Rows 3..7 in view: rows 3 and 4 keep slots 3 and 4; rows 5, 6, 7 took over slots 0, 1, 2.
    expect([0, 1, 2, 3, 4].map((s) => slotRow(s, 3, 5))).toEqual([5, 6, 7, 3, 4]);
    expect([0, 1, 2].map((s) => slotRow(s, 10, 3))).toEqual([12, 10, 11]);
  });

  it('shows every row in view exactly once, and a row keeps its slot while it stays in view', () => {
    const count = 7;
    for (let first = 0; first < 40; first++) {
      const shown = Array.from({ length: count }, (_, s) => slotRow(s, first, count));
      expect(shown.slice().sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => first + i));
      for (let s = 0; s < count; s++) {
        const next = slotRow(s, first + 1, count);
        if (shown[s] !== first) expect(next).toBe(shown[s]);
      }
    }
  });
});
