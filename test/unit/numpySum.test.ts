import { describe, expect, it } from 'vitest';
import { sum, sumSquares, sumSquaresClipped } from '../../src/main/core/math/numpySum';

describe('NumPy-order sums', () => {
  it('adds fewer than 8 numbers left to right', () => {
    // 1e16 + 1 + 1 rounds each time (the 1s are lost) when added in order.
    expect(sum([1e16, 1, 1], 0, 3)).toBe(1e16);
  });

  it('adds 8–128 numbers in eight interleaved accumulators, as NumPy does', () => {
    // With accumulators r0..r7 = a[0..7] + a[8..15], then ((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7)):
    // here r0 = 1e16 + (-1e16) = 0 exactly and r1 = 1 + 1 = 2, so the sum is 2 + 6·(0) = 2,
    // where a left-to-right sum loses the small terms added to 1e16.
    const a = [1e16, 1, 0, 0, 0, 0, 0, 0, -1e16, 1, 0, 0, 0, 0, 0, 0];
    expect(sum(a, 0, a.length)).toBe(2);
    expect(a.reduce((x, y) => x + y, 0)).toBe(1);
  });

  it('splits more than 128 numbers in halves at a multiple of 8', () => {
    const a = Array.from({ length: 300 }, (_, i) => ((i * 7919) % 101) / 7);
    let exact = 0;
    for (const x of a) exact += x;
    expect(sum(a, 0, a.length)).toBeCloseTo(exact, 9);
    // The split point is 144 (150 rounded down to a multiple of 8).
    expect(sum(a, 0, 300)).toBe(sum(a, 0, 144) + sum(a, 144, 156));
  });

  it('squares and clips before summing, honouring the offset', () => {
    expect(sumSquares([9, 1, 2, 3], 1, 3)).toBe(14);
    expect(sumSquaresClipped([5, -0.5, -3, 0.25], 0, 4, 1)).toBe(1 + 0.25 + 1 + 0.0625);
  });
});
