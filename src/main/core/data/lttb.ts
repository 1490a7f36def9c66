/**
 * Largest-Triangle-Three-Buckets downsampling (Steinarsson 2013): keeps the
 * first and last points and, from each bucket between, the point forming the
 * largest triangle with the previous kept point and the next bucket's mean —
 * so a reward curve keeps its peaks and dips at any zoom.
 * Returns the indices of the kept points, ascending.
 */
export function lttbIndices(x: ArrayLike<number>, y: ArrayLike<number>, threshold: number): number[] {
  const n = x.length;
  if (threshold >= n || threshold <= 2) {
    if (threshold >= n) return Array.from({ length: n }, (_, i) => i);
    return n === 0 ? [] : n === 1 ? [0] : [0, n - 1];
  }
  const kept = [0];
  const buckets = threshold - 2;
  // Bucket i covers [1 + ⌊i·(n−2)/buckets⌋, 1 + ⌊(i+1)·(n−2)/buckets⌋) in exact
  // integer arithmetic: floating-point bounds can round down and drop point n−2.
  const bound = (i: number) => 1 + Math.floor((i * (n - 2)) / buckets);
  let a = 0;
  for (let i = 0; i < buckets; i++) {
    const nextStart = bound(i + 1);
    const nextEnd = i + 1 < buckets ? bound(i + 2) : n;
    let avgX = 0;
    let avgY = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      avgX += x[j];
      avgY += y[j];
    }
    const count = nextEnd - nextStart;
    avgX /= count;
    avgY /= count;
    const start = bound(i);
    const end = bound(i + 1);
    let best = start;
    let bestArea = -1;
    for (let j = start; j < end; j++) {
      const area = Math.abs((x[a] - avgX) * (y[j] - y[a]) - (x[a] - x[j]) * (avgY - y[a]));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    kept.push(best);
    a = best;
  }
  kept.push(n - 1);
  return kept;
}
