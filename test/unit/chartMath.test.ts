import { describe, expect, it } from 'vitest';
import { EmaSmoother, smooth } from '../../src/shared/smoothing';
import { groupCurves, groupKey } from '../../src/shared/grouping';

describe('debiased EMA smoothing (TensorBoard)', () => {
  it('matches values computed by hand', () => {
    // w = 0.5: last = 0.5 → 0.5/0.5 = 1; last = 1.25 → 1.25/0.75; last = 2.125 → 2.125/0.875.
    const s = smooth([1, 2, 3], 0.5);
    expect(s[0]).toBeCloseTo(1, 12);
    expect(s[1]).toBeCloseTo(5 / 3, 12);
    expect(s[2]).toBeCloseTo(17 / 7, 12);
  });

  it('starts at the first value (no drag towards 0), leaves gaps alone, and is the identity at w = 0', () => {
    expect(smooth([10, 10, 10], 0.99)).toEqual([10, 10, 10].map((v) => expect.closeTo(v, 9)));
    // A gap does not advance the average: the point after it is the same as without the gap.
    const g = smooth([4, null, 8], 0.6);
    expect(g[1]).toBeNull();
    // last = 1.6 → /0.4 = 4; last = 0.96 + 3.2 = 4.16 → /(1 − 0.36) = 6.5
    expect(g[2]).toBeCloseTo(6.5, 12);
    expect(smooth([3, -1, 7], 0)).toEqual([3, -1, 7]);
  });

  it('gives the same numbers point by point as over the whole series (live appends)', () => {
    const ys = [1, 5, 2, 8, 3];
    const e = new EmaSmoother(0.7);
    expect(ys.map((y) => e.push(y))).toEqual(smooth(ys, 0.7));
  });
});

describe('grouping runs by config minus seed', () => {
  it('keys configs that differ only in seed (and name) alike, anything else apart', () => {
    const a = { kind: 'gail', env: 'Hopper-v5', seed: 0, name: 'a', trpo: { maxKl: 0.01 }, trajectories: 4 };
    expect(groupKey({ ...a, seed: 3, name: 'b' })).toBe(groupKey(a));
    expect(groupKey({ trajectories: 4, trpo: { maxKl: 0.01 }, env: 'Hopper-v5', kind: 'gail', seed: 1 })).toBe(groupKey(a));
    expect(groupKey({ ...a, trajectories: 11 })).not.toBe(groupKey(a));
    // A nested field called seed is a setting, not the run's seed.
    expect(groupKey({ ...a, trpo: { maxKl: 0.01, seed: 2 } })).not.toBe(groupKey(a));
  });

  it('computes mean, std, min, max and count per x bucket by hand', () => {
    const curves = [
      { x: [0, 10, 20], y: [1, 2, 3] },
      { x: [0, 10, 20], y: [3, 4, null] },
      { x: [0, 11], y: [5, 9] },
    ];
    // Range 0..20 in 2 buckets of width 10: [0,10) and [10,20] (the last is closed).
    const g = groupCurves(curves, 2);
    expect(g.n).toEqual([3, 3]);
    // bucket 0: runs at x=0: 1, 3, 5 → mean 3, population std √(8/3), min 1, max 5.
    expect(g.x[0]).toBe(0);
    expect(g.mean[0]).toBe(3);
    expect(g.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect([g.min[0], g.max[0]]).toEqual([1, 5]);
    // bucket 1: run 0 has x=10 (2) and x=20 (3) → 2.5; run 1 has 4; run 2 has 9 → mean 5.1666…
    expect(g.mean[1]).toBeCloseTo((2.5 + 4 + 9) / 3, 12);
    const m = (2.5 + 4 + 9) / 3;
    expect(g.std[1]).toBeCloseTo(Math.sqrt(((2.5 - m) ** 2 + (4 - m) ** 2 + (9 - m) ** 2) / 3), 12);
    expect([g.min[1], g.max[1]]).toEqual([2.5, 9]);
    // x of a bucket: mean x of its finite points: (10 + 20 + 10 + 11) / 4.
    expect(g.x[1]).toBeCloseTo(51 / 4, 12);
  });

  it('drops empty buckets and handles no data', () => {
    const g = groupCurves([{ x: [0, 100], y: [1, 2] }], 10);
    expect(g.x).toEqual([0, 100]);
    expect(g.n).toEqual([1, 1]);
    expect(groupCurves([{ x: [1], y: [null] }], 4).x).toEqual([]);
  });
});
