/**
 * LTTB downsampling of metric curves: the chart gets a fixed number of points
 * that still show the curve's first and last values and its peaks and dips.
 */
import { describe, expect, it } from 'vitest';
import { lttbIndices } from '../../src/main/core/data/lttb';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Ascending, unique, in bounds: the indices can be used to slice parallel arrays. */
function expectValidIndices(kept: number[], n: number): void {
  for (let i = 1; i < kept.length; i++) expect(kept[i]).toBeGreaterThan(kept[i - 1]);
  for (const k of kept) {
    expect(Number.isInteger(k)).toBe(true);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(k).toBeLessThan(n);
  }
}

/** A deterministic noisy curve (no Math.random, so a failure reproduces). */
function noisy(n: number): number[] {
  let s = 12345;
  return range(n).map((i) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return Math.sin(i / 37) * 100 + (s / 2 ** 31 - 0.5) * 40;
  });
}

describe('lttbIndices', () => {
  it('keeps the first and the last point', () => {
    for (const [n, t] of [
      [10, 3],
      [100, 7],
      [1000, 50],
      [12345, 1500],
    ]) {
      const kept = lttbIndices(range(n), noisy(n), t);
      expect(kept[0]).toBe(0);
      expect(kept[kept.length - 1]).toBe(n - 1);
    }
  });

  it('returns exactly `threshold` ascending unique indices for every threshold from 3 to n − 1', () => {
    for (const n of [4, 5, 17, 32, 100, 257]) {
      const y = noisy(n);
      for (let t = 3; t < n; t++) {
        const kept = lttbIndices(range(n), y, t);
        expect(kept.length, `n=${n} threshold=${t}`).toBe(t);
        expectValidIndices(kept, n);
      }
    }
  });

  it('returns exactly 1500 valid indices for a 100,000-point curve (the chart default)', () => {
    const n = 100_000;
    const kept = lttbIndices(range(n), noisy(n), 1500);
    expect(kept.length).toBe(1500);
    expectValidIndices(kept, n);
  });

  it('is the identity when threshold ≥ n', () => {
    for (const n of [0, 1, 2, 3, 10]) {
      expect(lttbIndices(range(n), noisy(n), n)).toEqual(range(n));
      expect(lttbIndices(range(n), noisy(n), n + 5)).toEqual(range(n));
    }
  });

  it('handles n = 0, 1 and 2 for any threshold without inventing points', () => {
    for (const t of [0, 1, 2, 3, 1500]) {
      expect(lttbIndices([], [], t)).toEqual([]);
      expect(lttbIndices([5], [1], t)).toEqual([0]);
      expect(lttbIndices([5, 6], [1, 2], t)).toEqual([0, 1]);
    }
  });

  it('with threshold 3 keeps the first, the last and the most prominent point between', () => {
    // The middle bucket is everything but the ends; its largest triangle is the peak.
    const y = [0, 1, 2, 50, 2, 1, 0];
    expect(lttbIndices(range(y.length), y, 3)).toEqual([0, 3, 6]);
    // A dip counts as much as a peak.
    const d = [0, -1, -2, -3, -90, -3, -2, 0];
    expect(lttbIndices(range(d.length), d, 3)).toEqual([0, 4, 7]);
  });

  it('never loses a single spike in a series of zeros, at any position, for any n ≤ 64 and threshold ≥ 3', () => {
    // The spike is the only thing on an otherwise flat curve (e.g. one diverged
    // iteration); a chart that hides it would hide the event the user looks for.
    const lost: string[] = [];
    for (let n = 3; n <= 64; n++) {
      const x = range(n);
      for (let t = 3; t < n; t++) {
        for (let p = 0; p < n; p++) {
          const y = new Array<number>(n).fill(0);
          y[p] = 1000;
          if (!lttbIndices(x, y, t).includes(p)) lost.push(`n=${n} threshold=${t} spike at ${p}`);
        }
      }
    }
    expect(lost.slice(0, 5), `${lost.length} cases lose the spike`).toEqual([]);
  });

  it('keeps a spike just before the last point (n = 17, threshold = 13, spike at index 15)', () => {
    // Pinned from the sweep above: the bucket bounds are floor(i·(n−2)/(t−2)) + 1, and
    // 11·(15/11) rounds below 15, so the last bucket stops before index n − 2.
    const y = new Array<number>(17).fill(0);
    y[15] = 1000;
    expect(lttbIndices(range(17), y, 13)).toContain(15);
  });

  it('keeps a spike in a long flat curve downsampled to 1500 points', () => {
    const n = 200_000;
    for (const p of [1, 777, 99_999, 150_001, n - 2]) {
      const y = new Float64Array(n);
      y[p] = -5e6;
      expect(lttbIndices(range(n), y, 1500), `spike at ${p}`).toContain(p);
    }
  });

  it('keeps the min and max of a sine wave within 1% of the amplitude', () => {
    const n = 20_000;
    const x = range(n);
    const y = x.map((i) => 3 * Math.sin((i / n) * 2 * Math.PI * 7) + 10);
    const kept = lttbIndices(x, y, 500).map((i) => y[i]);
    expect(Math.abs(Math.max(...kept) - Math.max(...y))).toBeLessThan(0.03);
    expect(Math.abs(Math.min(...kept) - Math.min(...y))).toBeLessThan(0.03);
  });

  it('works on typed arrays and non-uniform x (env steps rather than iterations)', () => {
    const n = 5000;
    const x = new Float64Array(n).map((_, i) => i * i);
    const y = new Float32Array(noisy(n));
    const kept = lttbIndices(x, y, 300);
    expect(kept.length).toBe(300);
    expectValidIndices(kept, n);
  });
});
