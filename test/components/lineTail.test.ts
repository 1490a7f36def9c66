import { LineElement } from 'chart.js';
import { describe, expect, it } from 'vitest';
import { appendedSpan, strokeReach, tailEnd, tailStart, type PixelPoint } from '../../src/renderer/src/lib/lineTail';

/** The straight segments chart.js's LineElement strokes for these points (a recording 2D context). */
function strokedSegments(points: PixelPoint[]): string[] {
  const segments: string[] = [];
  let at: [number, number] | null = null;
  const ctx = {
    save() {},
    restore() {},
    beginPath() {},
    closePath() {},
    stroke() {},
    setLineDash() {},
    moveTo(x: number, y: number) {
      at = [x, y];
    },
    lineTo(x: number, y: number) {
      if (at && (at[0] !== x || at[1] !== y)) segments.push(`${at[0]},${at[1]}→${x},${y}`);
      at = [x, y];
    },
  };
  const line = new LineElement({ points, options: { borderWidth: 1.75, spanGaps: true, tension: 0, borderDash: [], borderColor: '#000', borderCapStyle: 'butt', borderJoinStyle: 'miter' } });
  line.path(ctx as unknown as CanvasRenderingContext2D);
  return segments;
}

const xs = (s: string) => s.split('→').map((p) => Number(p.split(',')[0]));
/** Segments that come within `reach` of [left, right]: their stroke or joins can colour the strip. */
const near = (segments: string[], left: number, right: number) =>
  segments.filter((s) => {
    const [a, b] = xs(s);
    return Math.max(a, b) >= left && Math.min(a, b) <= right;
  });

/** Uniform in [0, 1), reproducible (a 32-bit linear congruential generator). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** A line of n points, ~`spacing` px apart, some in one pixel column, some gaps. */
function line(random: () => number, n: number, spacing: number): PixelPoint[] {
  const out: PixelPoint[] = [];
  let x = 40;
  for (let i = 0; i < n; i++) {
    x += random() * spacing * 2;
    out.push({ x, y: 100 + 80 * Math.sin(i / 9) + 20 * random(), skip: random() < 0.03 });
  }
  return out;
}

describe('a line tail drawn for a strip of the canvas', () => {
  it('strokes exactly the segments of the whole line that reach the strip, wherever the strip is', () => {
    const random = lcg(7);
    for (let trial = 0; trial < 200; trial++) {
      const points = line(random, 400, trial % 2 ? 0.6 : 3);
      const full = strokedSegments(points);
      expect(full.length).toBeGreaterThan(300);
      const end = points.at(-1)!.x;
      const left = 40 + random() * (end - 40);
      const right = left + random() * 60;
      const reach = strokeReach(1.75);
      const from = tailStart(points, left - reach);
      const tail = strokedSegments(points.slice(from, tailEnd(points, from, right + reach)));
      // Nothing the whole line draws near the strip is missing, and the tail draws nothing the line does not.
      expect(near(tail, left - reach, right + reach)).toEqual(near(full, left - reach, right + reach));
      expect(tail.every((s) => full.includes(s))).toBe(true);
    }
  });

  it('reaches as far as a miter join can (canvas miterLimit 10 × half the width)', () => {
    expect(strokeReach(1.75)).toBeGreaterThanOrEqual(10 * (1.75 / 2));
    expect(strokeReach(1)).toBeGreaterThanOrEqual(5);
  });

  it('starts at a point that begins a pixel column, left of the strip', () => {
    const points: PixelPoint[] = [10, 20.2, 20.7, 30.1, 30.5, 30.9, 41].map((x) => ({ x, y: x }));
    expect(tailStart(points, 31)).toBe(3);
    expect(tailStart(points, 25)).toBe(1);
    expect(tailStart(points, 5)).toBe(0);
    expect(tailStart([{ x: 1, y: 0, skip: true }, { x: 2, y: 0 }], 10)).toBe(1);
    expect(tailEnd(points, 0, 25)).toBe(4);
    expect(tailEnd(points, 0, 30)).toBe(7);
    expect(tailEnd(points, 0, 50)).toBe(points.length);
  });

  it('spans from the line’s old end to its new points, and nothing for points not drawn', () => {
    expect(appendedSpan({ x: 100, y: 0 }, [{ x: 101, y: 0 }, { x: 103, y: 5 }])).toEqual([100, 103]);
    expect(appendedSpan(undefined, [{ x: 7, y: 0 }])).toEqual([7, 7]);
    expect(appendedSpan({ x: 100, y: 0 }, [{ x: NaN, y: 0, skip: true }])).toBeNull();
  });
});
