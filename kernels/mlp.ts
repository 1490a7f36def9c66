// AssemblyScript source of the MLP kernels (WebAssembly SIMD, float32).
// Built by scripts/build-kernels.mjs into src/main/core/learn/kernels/mlpKernelsWasm.ts.
//
// Why a kernel of our own: the networks here are small (100-unit layers,
// 1–1,024 rows), and through tfjs each matrix product pays ~10 µs of dispatch
// plus ~35 µs to pack its right-hand operand, which changes at every Adam
// step; a register-blocked product over plain row-major memory reaches the
// same ~17 G multiply-adds/s as tfjs-wasm's XNNPACK without either cost.
//
// Every output element is computed in the same order whichever code path
// (4×8 block, fringe or single row) produces it: Σ_p a·b in increasing p, each
// product and sum rounded to float32, then + bias, then + the old value when
// accumulating. So a one-row forward pass equals the same row of a batch, bit
// for bit, and results do not depend on the machine.
//
// All pointers are byte offsets into the module's memory; matrices are
// row-major float32.

// A(i, p) lives at a + 4·(i·sai + p·sap): sai = k, sap = 1 reads A as stored
// (C = A·B); sai = 1, sap = (row length of A) reads Aᵀ (C = Aᵀ·B).
// B is k × n, C is m × n. bias (n floats) is added when non-zero; acc ≠ 0 adds
// the product to C instead of overwriting it.
export function gemm(c: usize, a: usize, b: usize, bias: usize, m: i32, k: i32, n: i32, sai: i32, sap: i32, acc: i32): void {
  const rowA = <usize>sai << 2;
  const stepA = <usize>sap << 2;
  const rowB = <usize>n << 2;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const a0 = a + <usize>i * rowA;
    const a1 = a0 + rowA;
    const a2 = a1 + rowA;
    const a3 = a2 + rowA;
    const c0 = c + <usize>(i * n) * 4;
    const c1 = c0 + rowB;
    const c2 = c1 + rowB;
    const c3 = c2 + rowB;
    let j = 0;
    for (; j + 8 <= n; j += 8) {
      let s00 = f32x4.splat(0);
      let s01 = f32x4.splat(0);
      let s10 = f32x4.splat(0);
      let s11 = f32x4.splat(0);
      let s20 = f32x4.splat(0);
      let s21 = f32x4.splat(0);
      let s30 = f32x4.splat(0);
      let s31 = f32x4.splat(0);
      let bp = b + (<usize>j << 2);
      let off: usize = 0;
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, 16);
        const x0 = v128.load32_splat(a0 + off);
        const x1 = v128.load32_splat(a1 + off);
        const x2 = v128.load32_splat(a2 + off);
        const x3 = v128.load32_splat(a3 + off);
        s00 = f32x4.add(s00, f32x4.mul(x0, b0));
        s01 = f32x4.add(s01, f32x4.mul(x0, b1));
        s10 = f32x4.add(s10, f32x4.mul(x1, b0));
        s11 = f32x4.add(s11, f32x4.mul(x1, b1));
        s20 = f32x4.add(s20, f32x4.mul(x2, b0));
        s21 = f32x4.add(s21, f32x4.mul(x2, b1));
        s30 = f32x4.add(s30, f32x4.mul(x3, b0));
        s31 = f32x4.add(s31, f32x4.mul(x3, b1));
        bp += rowB;
        off += stepA;
      }
      const cj = <usize>j << 2;
      finish4(c0 + cj, s00, bias, j, acc);
      finish4(c0 + cj + 16, s01, bias, j + 4, acc);
      finish4(c1 + cj, s10, bias, j, acc);
      finish4(c1 + cj + 16, s11, bias, j + 4, acc);
      finish4(c2 + cj, s20, bias, j, acc);
      finish4(c2 + cj + 16, s21, bias, j + 4, acc);
      finish4(c3 + cj, s30, bias, j, acc);
      finish4(c3 + cj + 16, s31, bias, j + 4, acc);
    }
    for (; j + 4 <= n; j += 4) {
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let s2 = f32x4.splat(0);
      let s3 = f32x4.splat(0);
      let bp = b + (<usize>j << 2);
      let off: usize = 0;
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(bp);
        s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(a0 + off), b0));
        s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(a1 + off), b0));
        s2 = f32x4.add(s2, f32x4.mul(v128.load32_splat(a2 + off), b0));
        s3 = f32x4.add(s3, f32x4.mul(v128.load32_splat(a3 + off), b0));
        bp += rowB;
        off += stepA;
      }
      const cj = <usize>j << 2;
      finish4(c0 + cj, s0, bias, j, acc);
      finish4(c1 + cj, s1, bias, j, acc);
      finish4(c2 + cj, s2, bias, j, acc);
      finish4(c3 + cj, s3, bias, j, acc);
    }
    // Single columns: the four rows' sums side by side in one vector.
    for (; j < n; j++) {
      let s = f32x4.splat(0);
      let bp = b + (<usize>j << 2);
      let off: usize = 0;
      if (sai == 1) {
        // Aᵀ read: the four rows are adjacent in memory.
        for (let p = 0; p < k; p++) {
          s = f32x4.add(s, f32x4.mul(v128.load(a0 + off), v128.load32_splat(bp)));
          bp += rowB;
          off += stepA;
        }
      } else {
        for (let p = 0; p < k; p++) {
          let x = v128.load32_splat(a0 + off);
          x = f32x4.replace_lane(x, 1, load<f32>(a1 + off));
          x = f32x4.replace_lane(x, 2, load<f32>(a2 + off));
          x = f32x4.replace_lane(x, 3, load<f32>(a3 + off));
          s = f32x4.add(s, f32x4.mul(x, v128.load32_splat(bp)));
          bp += rowB;
          off += stepA;
        }
      }
      if (bias) s = f32x4.add(s, v128.load32_splat(bias + (<usize>j << 2)));
      const cj = <usize>j << 2;
      finish1(c0 + cj, f32x4.extract_lane(s, 0), acc);
      finish1(c1 + cj, f32x4.extract_lane(s, 1), acc);
      finish1(c2 + cj, f32x4.extract_lane(s, 2), acc);
      finish1(c3 + cj, f32x4.extract_lane(s, 3), acc);
    }
  }
  for (; i < m; i++) {
    const a0 = a + <usize>i * rowA;
    const c0 = c + <usize>(i * n) * 4;
    let j = 0;
    // One row: four column vectors at a time, so the additions of different
    // vectors overlap instead of waiting on each other.
    for (; j + 16 <= n; j += 16) {
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      let s2 = f32x4.splat(0);
      let s3 = f32x4.splat(0);
      let bp = b + (<usize>j << 2);
      let off: usize = 0;
      for (let p = 0; p < k; p++) {
        const x = v128.load32_splat(a0 + off);
        s0 = f32x4.add(s0, f32x4.mul(x, v128.load(bp)));
        s1 = f32x4.add(s1, f32x4.mul(x, v128.load(bp, 16)));
        s2 = f32x4.add(s2, f32x4.mul(x, v128.load(bp, 32)));
        s3 = f32x4.add(s3, f32x4.mul(x, v128.load(bp, 48)));
        bp += rowB;
        off += stepA;
      }
      const cj = c0 + (<usize>j << 2);
      finish4(cj, s0, bias, j, acc);
      finish4(cj + 16, s1, bias, j + 4, acc);
      finish4(cj + 32, s2, bias, j + 8, acc);
      finish4(cj + 48, s3, bias, j + 12, acc);
    }
    for (; j + 4 <= n; j += 4) {
      let s0 = f32x4.splat(0);
      let bp = b + (<usize>j << 2);
      let off: usize = 0;
      for (let p = 0; p < k; p++) {
        s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(a0 + off), v128.load(bp)));
        bp += rowB;
        off += stepA;
      }
      finish4(c0 + (<usize>j << 2), s0, bias, j, acc);
    }
    for (; j < n; j++) dot1(c0, a0, b, bias, j, k, n, stepA, acc);
  }
}

// @ts-ignore: decorator
@inline
function finish4(cp: usize, s: v128, bias: usize, j: i32, acc: i32): void {
  let r = s;
  if (bias) r = f32x4.add(r, v128.load(bias + (<usize>j << 2)));
  if (acc) r = f32x4.add(v128.load(cp), r);
  v128.store(cp, r);
}

// @ts-ignore: decorator
@inline
function finish1(cp: usize, v: f32, acc: i32): void {
  store<f32>(cp, acc ? load<f32>(cp) + v : v);
}

// @ts-ignore: decorator
@inline
function dot1(crow: usize, arow: usize, b: usize, bias: usize, j: i32, k: i32, n: i32, stepA: usize, acc: i32): void {
  let s: f32 = 0;
  let bp = b + (<usize>j << 2);
  const rowB = <usize>n << 2;
  let off: usize = 0;
  for (let p = 0; p < k; p++) {
    s += load<f32>(arow + off) * load<f32>(bp);
    bp += rowB;
    off += stepA;
  }
  if (bias) s += load<f32>(bias + (<usize>j << 2));
  const cp = crow + (<usize>j << 2);
  if (acc) s = load<f32>(cp) + s;
  store<f32>(cp, s);
}

// tanh as a rational function of float32 accuracy (|error| < 4e-7; the
// coefficients of Eigen's fast tanh), the same arithmetic in both paths.
const CLAMP: f32 = 7.90531110763549805;
const A1: f32 = 4.89352455891786e-3;
const A3: f32 = 6.37261928875436e-4;
const A5: f32 = 1.48572235717979e-5;
const A7: f32 = 5.12229709037114e-8;
const A9: f32 = -8.60467152213735e-11;
const A11: f32 = 2.00018790482477e-13;
const A13: f32 = -2.76076847742355e-16;
const B0: f32 = 4.89352518554385e-3;
const B2: f32 = 2.268434632439e-3;
const B4: f32 = 1.18534705686654e-4;
const B6: f32 = 1.19825839466702e-6;

// @ts-ignore: decorator
@inline
function tanh1(v: f32): f32 {
  // Clamped as the vector path does (pmin/pmax: a NaN passes through).
  const lo: f32 = v < -CLAMP ? -CLAMP : v;
  const x: f32 = CLAMP < lo ? CLAMP : lo;
  const x2 = x * x;
  let p = A13;
  p = p * x2 + A11;
  p = p * x2 + A9;
  p = p * x2 + A7;
  p = p * x2 + A5;
  p = p * x2 + A3;
  p = p * x2 + A1;
  p = p * x;
  let q = B6;
  q = q * x2 + B4;
  q = q * x2 + B2;
  q = q * x2 + B0;
  return p / q;
}

// @ts-ignore: decorator
@inline
function tanh4(v: v128): v128 {
  // pmin/pmax are single instructions; min/max cost several for IEEE NaN and ±0 rules the clamp does not need.
  const x = f32x4.pmin(f32x4.pmax(v, f32x4.splat(-CLAMP)), f32x4.splat(CLAMP));
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(A13);
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(A11));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(A9));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(A7));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(A5));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(A3));
  p = f32x4.add(f32x4.mul(p, x2), f32x4.splat(A1));
  p = f32x4.mul(p, x);
  let q = f32x4.splat(B6);
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(B4));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(B2));
  q = f32x4.add(f32x4.mul(q, x2), f32x4.splat(B0));
  return f32x4.div(p, q);
}

/** x ← tanh(x) for `count` floats. */
export function tanhInPlace(x: usize, count: i32): void {
  let i = 0;
  for (; i + 4 <= count; i += 4) {
    const p = x + (<usize>i << 2);
    v128.store(p, tanh4(v128.load(p)));
  }
  for (; i < count; i++) {
    const p = x + (<usize>i << 2);
    store<f32>(p, tanh1(load<f32>(p)));
  }
}

/** g ← g ⊙ (1 − h²): back through h = tanh(·). */
export function tanhBackward(g: usize, h: usize, count: i32): void {
  let i = 0;
  const one = f32x4.splat(1);
  for (; i + 4 <= count; i += 4) {
    const o = <usize>i << 2;
    const hv = v128.load(h + o);
    v128.store(g + o, f32x4.mul(v128.load(g + o), f32x4.sub(one, f32x4.mul(hv, hv))));
  }
  for (; i < count; i++) {
    const o = <usize>i << 2;
    const hv = load<f32>(h + o);
    store<f32>(g + o, load<f32>(g + o) * (<f32>1 - hv * hv));
  }
}

/** dst[j] (+)= Σ_r src[r][j] over `rows` rows of `cols` (a bias gradient), r in increasing order. */
export function columnSums(dst: usize, src: usize, rows: i32, cols: i32, acc: i32): void {
  const row = <usize>cols << 2;
  let j = 0;
  for (; j + 4 <= cols; j += 4) {
    let s = f32x4.splat(0);
    let p = src + (<usize>j << 2);
    for (let r = 0; r < rows; r++) {
      s = f32x4.add(s, v128.load(p));
      p += row;
    }
    const d = dst + (<usize>j << 2);
    if (acc) s = f32x4.add(v128.load(d), s);
    v128.store(d, s);
  }
  for (; j < cols; j++) {
    let s: f32 = 0;
    let p = src + (<usize>j << 2);
    for (let r = 0; r < rows; r++) {
      s += load<f32>(p);
      p += row;
    }
    const d = dst + (<usize>j << 2);
    if (acc) s = load<f32>(d) + s;
    store<f32>(d, s);
  }
}

/** dst (cols × rows) = srcᵀ (src rows × cols). */
export function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    const s = src + (<usize>(r * cols) << 2);
    for (let c = 0; c < cols; c++) store<f32>(dst + (<usize>(c * rows + r) << 2), load<f32>(s + (<usize>c << 2)));
  }
}
