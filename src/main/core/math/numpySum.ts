/**
 * Sums in the same order as NumPy's pairwise summation, so rewards computed
 * here round exactly as Gymnasium's `np.sum(...)` does. NumPy sums blocks of
 * up to 128 with eight interleaved accumulators and splits longer arrays in
 * halves; checked bit for bit against NumPy 2 on arrays of 3 to 300 elements,
 * 1-D and 2-D (a C-contiguous 2-D array reduces as one 1-D run).
 */
const BLOCK = 128;

type Term = (a: ArrayLike<number>, i: number, bound: number) => number;

const plain: Term = (a, i) => a[i];
const squared: Term = (a, i) => a[i] * a[i];
const clippedSquared: Term = (a, i, bound) => {
  let x = a[i];
  if (x > bound) x = bound;
  else if (x < -bound) x = -bound;
  return x * x;
};

/** np.sum(a[offset:offset+n]) */
export function sum(a: ArrayLike<number>, offset: number, n: number): number {
  return pairwise(a, offset, n, 0, plain);
}

/** np.sum(np.square(a[offset:offset+n])) */
export function sumSquares(a: ArrayLike<number>, offset: number, n: number): number {
  return pairwise(a, offset, n, 0, squared);
}

/** np.sum(np.square(np.clip(a[offset:offset+n], -bound, bound))) */
export function sumSquaresClipped(a: ArrayLike<number>, offset: number, n: number, bound: number): number {
  return pairwise(a, offset, n, bound, clippedSquared);
}

function pairwise(a: ArrayLike<number>, o: number, n: number, b: number, f: Term): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += f(a, o + i, b);
    return res;
  }
  if (n <= BLOCK) {
    let r0 = f(a, o, b);
    let r1 = f(a, o + 1, b);
    let r2 = f(a, o + 2, b);
    let r3 = f(a, o + 3, b);
    let r4 = f(a, o + 4, b);
    let r5 = f(a, o + 5, b);
    let r6 = f(a, o + 6, b);
    let r7 = f(a, o + 7, b);
    const end = n - (n % 8);
    let i = 8;
    for (; i < end; i += 8) {
      r0 += f(a, o + i, b);
      r1 += f(a, o + i + 1, b);
      r2 += f(a, o + i + 2, b);
      r3 += f(a, o + i + 3, b);
      r4 += f(a, o + i + 4, b);
      r5 += f(a, o + i + 5, b);
      r6 += f(a, o + i + 6, b);
      r7 += f(a, o + i + 7, b);
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += f(a, o + i, b);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(a, o, n2, b, f) + pairwise(a, o + n2, n - n2, b, f);
}
