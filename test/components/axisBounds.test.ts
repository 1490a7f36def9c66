import { describe, expect, it } from 'vitest';
import { extendExtent, niceStep, sameBounds, xBounds, yBounds } from '../../src/renderer/src/lib/axisBounds';

describe('live chart axis bounds', () => {
  it('rounds a step up to 1, 2 or 5 × 10^k', () => {
    expect([0.7, 1, 1.5, 3, 7, 153_600, 0.0042].map(niceStep)).toEqual([1, 1, 2, 5, 10, 200_000, 0.005]);
  });

  it('extends an extent over finite values only', () => {
    expect(extendExtent(null, [3, null, NaN, -1, Infinity, 2])).toEqual({ min: -1, max: 3 });
    expect(extendExtent({ min: 0, max: 1 }, [5])).toEqual({ min: 0, max: 5 });
    expect(extendExtent(null, [null, NaN])).toBeNull();
  });

  it('covers the data with room to grow on both y sides and to the right of x', () => {
    const x = xBounds({ min: 1024, max: 1_536_000 })!;
    expect(x).toEqual({ min: 1024, max: 1_600_000 });
    const y = yBounds({ min: -120, max: 3245 })!;
    expect(y.min).toBeLessThan(-120);
    expect(y.max).toBeGreaterThan(3245);
    // Data exactly on a step still leaves room.
    expect(xBounds({ min: 0, max: 1_600_000 })!.max).toBeGreaterThan(1_600_000);
    expect(yBounds({ min: 0, max: 100 })).toEqual({ min: -20, max: 120 });
  });

  it('stays put while live points land inside, so most points redraw no axes (and a fresh chart of the data gets the same)', () => {
    let ext = { min: 1024, max: 1_536_000 };
    const first = xBounds(ext);
    let changes = 0;
    let prev = first;
    for (let step = 1501; step <= 3000; step++) {
      ext = extendExtent(ext, [step * 1024])!;
      const b = xBounds(ext);
      if (!sameBounds(b, prev)) changes++;
      prev = b;
      expect(b!.max).toBeGreaterThan(ext.max);
    }
    // 1,500 appended points, one rescale per ~10% of growth.
    expect(changes).toBeGreaterThan(0);
    expect(changes).toBeLessThan(12);
  });

  it('handles a single value and no data', () => {
    expect(yBounds({ min: 5, max: 5 })).toEqual({ min: 4, max: 6 });
    expect(yBounds({ min: 0, max: 0 })).toEqual({ min: -0.2, max: 0.2 });
    expect(xBounds(null)).toBeNull();
    expect(sameBounds(null, null)).toBe(true);
    expect(sameBounds({ min: 0, max: 1 }, null)).toBe(false);
  });
});
