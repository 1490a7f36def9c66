/**
 * Which points of a line, in canvas pixels, to stroke again so that a
 * vertical strip of the canvas comes out as the whole line drawn there.
 *
 * chart.js's straight-line path merges consecutive points that fall in one
 * pixel column (x truncated) into a vertical run; from a point that starts a
 * new column on, the path is the same whether drawn from there or from the
 * line's first point. The stroke reaches past a point by the miter of its
 * joins (canvas miterLimit 10 × half the line width) plus a pixel of
 * antialiasing and a pixel for a column's merged x.
 */
export interface PixelPoint {
  x: number;
  y: number;
  skip?: boolean;
}

const MITER_LIMIT = 10;

/** How far (px) the stroke of a line of this width can reach from its points. */
export function strokeReach(lineWidth: number): number {
  return (lineWidth / 2) * MITER_LIMIT + 2;
}

/**
 * The last point left of `left` that starts a pixel column (or the first
 * point drawn); stroking from it reproduces the line right of `left`.
 */
export function tailStart(points: readonly PixelPoint[], left: number): number {
  let j = points.length - 1;
  while (j >= 0) {
    if (points[j].skip) {
      j--;
      continue;
    }
    let k = j - 1;
    while (k >= 0 && points[k].skip) k--;
    if (k < 0) return j;
    if (points[j].x < left && Math.trunc(points[k].x) !== Math.trunc(points[j].x)) return j;
    j = k;
  }
  return 0;
}

/**
 * One past the first point (from `from` on) whose pixel column lies right of
 * `right`: the column before it is complete, and the line beyond cannot reach the strip.
 */
export function tailEnd(points: readonly PixelPoint[], from: number, right: number): number {
  for (let i = from; i < points.length; i++) if (!points[i].skip && Math.trunc(points[i].x) > right) return i + 1;
  return points.length;
}

/** The x-span (px) that appending `added` after `last` changes: from the old end to the new points. */
export function appendedSpan(last: PixelPoint | undefined, added: readonly PixelPoint[]): [number, number] | null {
  let lo = last && !last.skip ? last.x : Infinity;
  let hi = -Infinity;
  for (const p of added) {
    if (p.skip) continue;
    lo = Math.min(lo, p.x);
    hi = Math.max(hi, p.x);
  }
  return hi === -Infinity ? null : [lo, Math.max(hi, lo)];
}
