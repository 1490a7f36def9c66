/** ARS's update (learn/ars.ts) against values worked out by hand. */
import { describe, expect, it } from 'vitest';
import { arsStep, returnsStd, topDirections } from '../../src/main/core/learn/ars';

describe('ARS top directions', () => {
  it('ranks directions by their better side, best first, ties by index', () => {
    // max(r+, r-): 3, 7, 7, -1, 5
    const plus = [3, 2, 7, -1, 5];
    const minus = [1, 7, 0, -4, 4];
    expect(topDirections(plus, minus, 5)).toEqual([1, 2, 4, 0, 3]);
    expect(topDirections(plus, minus, 2)).toEqual([1, 2]);
  });

  it('refuses a b outside 1..N', () => {
    expect(() => topDirections([1, 2], [3, 4], 3)).toThrow(/1\.\.2/);
    expect(() => topDirections([1, 2], [3, 4], 0)).toThrow(/1\.\.2/);
  });
});

describe('ARS step', () => {
  it('moves θ by α / (b σ_R) Σ (r+ − r−) δ over the top b directions', () => {
    const theta = new Float64Array([1, -1]);
    // Three directions of two parameters each.
    const deltas = new Float64Array([1, 0, 0, 1, 2, 2]);
    const plus = [4, 0, 10];
    const minus = [2, 1, 0];
    const top = topDirections(plus, minus, 2); // max: 4, 1, 10 → directions 2, 0
    expect(top).toEqual([2, 0]);
    // Returns used: 10, 0, 4, 2 → mean 4, population variance (36 + 16 + 0 + 4) / 4 = 14.
    expect(returnsStd(plus, minus, top)).toBeCloseTo(Math.sqrt(14), 14);
    const { rewardStd, stepNorm } = arsStep(theta, deltas, plus, minus, top, 0.5);
    // Σ (r+ − r−) δ = 10·(2, 2) + 2·(1, 0) = (22, 20); scale 0.5 / (2 √14).
    const scale = 0.5 / (2 * Math.sqrt(14));
    expect(rewardStd).toBeCloseTo(Math.sqrt(14), 14);
    expect(theta[0]).toBeCloseTo(1 + 22 * scale, 14);
    expect(theta[1]).toBeCloseTo(-1 + 20 * scale, 14);
    expect(stepNorm).toBeCloseTo(scale * Math.hypot(22, 20), 14);
  });

  it('leaves θ alone when every return used is equal (no direction to follow)', () => {
    const theta = new Float64Array([0.5, 0.25]);
    const r = arsStep(theta, new Float64Array([1, 2, 3, 4]), [7, 7], [7, 7], [0, 1], 0.02);
    expect(r).toEqual({ rewardStd: 0, stepNorm: 0 });
    expect(Array.from(theta)).toEqual([0.5, 0.25]);
  });

  it('checks the directions fit θ', () => {
    expect(() => arsStep(new Float64Array(3), new Float64Array(5), [1, 2], [0, 0], [0], 1)).toThrow(/2 × 3/);
  });
});
