/**
 * Seeds of one setting as one curve: runs grouped by their config without the
 * seed, and per x bucket the mean, standard deviation, min and max over the
 * runs that have a point there.
 */

/** Config with the seed (and the label) left out, as a stable string: runs that differ only by seed share it. */
export function groupKey(config: unknown): string {
  const strip = (v: unknown, top: boolean): unknown => {
    if (Array.isArray(v)) return v.map((x) => strip(x, false));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        if (top && (k === 'seed' || k === 'name')) continue;
        out[k] = strip((v as Record<string, unknown>)[k], false);
      }
      return out;
    }
    return v;
  };
  return JSON.stringify(strip(config, true));
}

export interface Curve {
  x: readonly number[];
  y: readonly (number | null)[];
}

export interface GroupCurve {
  x: number[];
  mean: number[];
  /** Population standard deviation over the runs in the bucket. */
  std: number[];
  min: number[];
  max: number[];
  /** Runs with a value in the bucket. */
  n: number[];
}

/**
 * Buckets of equal width over the x-range of all curves (`buckets` of them;
 * empty ones are dropped). Each run contributes the mean of its points in the
 * bucket, so a run with many points there counts once; the bucket's x is the
 * mean x of the points in it.
 */
export function groupCurves(curves: readonly Curve[], buckets: number): GroupCurve {
  const out: GroupCurve = { x: [], mean: [], std: [], min: [], max: [], n: [] };
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of curves)
    for (let i = 0; i < c.x.length; i++)
      if (c.y[i] !== null && Number.isFinite(c.y[i])) {
        lo = Math.min(lo, c.x[i]);
        hi = Math.max(hi, c.x[i]);
      }
  if (lo > hi) return out;
  const width = hi > lo ? (hi - lo) / buckets : 1;
  const bucketOf = (x: number) => Math.min(buckets - 1, Math.floor((x - lo) / width));
  // Per run and bucket: sum and count of y; per bucket: sum and count of x.
  const runSum = curves.map(() => new Float64Array(buckets));
  const runCount = curves.map(() => new Uint32Array(buckets));
  const xSum = new Float64Array(buckets);
  const xCount = new Uint32Array(buckets);
  curves.forEach((c, r) => {
    for (let i = 0; i < c.x.length; i++) {
      const y = c.y[i];
      if (y === null || !Number.isFinite(y)) continue;
      const b = bucketOf(c.x[i]);
      runSum[r][b] += y;
      runCount[r][b]++;
      xSum[b] += c.x[i];
      xCount[b]++;
    }
  });
  for (let b = 0; b < buckets; b++) {
    if (xCount[b] === 0) continue;
    const ys: number[] = [];
    for (let r = 0; r < curves.length; r++) if (runCount[r][b]) ys.push(runSum[r][b] / runCount[r][b]);
    const mean = ys.reduce((a, v) => a + v, 0) / ys.length;
    const variance = ys.reduce((a, v) => a + (v - mean) ** 2, 0) / ys.length;
    out.x.push(xSum[b] / xCount[b]);
    out.mean.push(mean);
    out.std.push(Math.sqrt(variance));
    out.min.push(Math.min(...ys));
    out.max.push(Math.max(...ys));
    out.n.push(ys.length);
  }
  return out;
}
