/**
 * Axis bounds for charts that grow live. The chart's scale is told to cover
 * at least these bounds (chart.js still rounds out to its own ticks), and the
 * bounds are a step function of the data's extent: they stay put while new
 * points land inside them, so a live point redraws only its own strip, and
 * a fresh chart of the same data gets the same axes.
 */
export interface Extent {
  min: number;
  max: number;
}

/** Grows `ext` (or starts one) to include the finite values of `values`. */
export function extendExtent(ext: Extent | null, values: Iterable<number | null>): Extent | null {
  let out = ext ? { ...ext } : null;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    if (!out) out = { min: v, max: v };
    else if (v < out.min) out.min = v;
    else if (v > out.max) out.max = v;
  }
  return out;
}

/** The smallest 1, 2 or 5 × 10^k at or above `span` (> 0). */
export function niceStep(span: number): number {
  const p = 10 ** Math.floor(Math.log10(span));
  for (const m of [1, 2, 5]) if (m * p >= span) return m * p;
  return 10 * p;
}

function stepFor(ext: Extent, parts: number): number {
  const span = ext.max - ext.min || Math.abs(ext.max) || 1;
  return niceStep(span / parts);
}

/**
 * x grows to the right: the bound is the next multiple of a tenth of the
 * range strictly above the data, so a rescale comes once per ~10% of growth.
 */
export function xBounds(ext: Extent | null): Extent | null {
  if (!ext) return null;
  const q = stepFor(ext, 10);
  return { min: ext.min, max: (Math.floor(ext.max / q) + 1) * q };
}

/** y moves both ways: each side is the next multiple of an eighth of the range strictly outside the data. */
export function yBounds(ext: Extent | null): Extent | null {
  if (!ext) return null;
  const q = stepFor(ext, 8);
  return { min: (Math.ceil(ext.min / q) - 1) * q, max: (Math.floor(ext.max / q) + 1) * q };
}

export function sameBounds(a: Extent | null, b: Extent | null): boolean {
  return a === b || (!!a && !!b && a.min === b.min && a.max === b.max);
}
