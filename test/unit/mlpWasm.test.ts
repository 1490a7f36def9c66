/**
 * The WebAssembly SIMD kernels and the MLP built on them: products against a
 * float64 reference for every code path (4×8 blocks, fringes, single rows,
 * transposed reads, bias, accumulation); tanh to float32 accuracy; the MLP's
 * forward against the float64 JS forward and its gradient against central
 * differences; one row equal to the same row of a batch, bit for bit; and
 * the committed binary equal to a fresh build of kernels/mlp.ts.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KernelArena } from '../../src/main/core/learn/kernels/wasmKernels';
import { initMlpParams, MlpLayout } from '../../src/main/core/learn/mlp';
import { MlpReference } from '../helpers/mlpReference';
import { MlpWasm } from '../../src/main/core/learn/mlpWasm';
import { Rng } from '../../src/main/core/math/rng';

function randomArray(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

describe('WebAssembly kernels', () => {
  it.each([
    [4, 8, 8],
    [128, 100, 100],
    [7, 11, 13],
    [1, 100, 3],
    [5, 3, 1],
    [9, 1, 21],
    [1, 7, 37],
  ])('gemm %i×%i·%i matches a float64 product, plain and transposed, with bias and accumulation', (m, k, n) => {
    const rng = new Rng(m * 1000 + k * 10 + n);
    const arena = new KernelArena(4 * (m * k + k * n + 2 * m * n + n) + 64);
    const a = arena.alloc(m * k);
    const at = arena.alloc(k * m);
    const b = arena.alloc(k * n);
    const bias = arena.alloc(n);
    const c = arena.alloc(m * n);
    a.f32.set(randomArray(rng, m * k));
    b.f32.set(randomArray(rng, k * n));
    bias.f32.set(randomArray(rng, n));
    for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) at.f32[p * m + i] = a.f32[i * k + p];
    const expected = (i: number, j: number) => {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.f32[i * k + p] * b.f32[p * n + j];
      return s;
    };
    const tol = 1e-5 * Math.sqrt(k) * 4;
    arena.k.gemm(c.ptr, a.ptr, b.ptr, 0, m, k, n, k, 1, 0);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(Math.abs(c.f32[i * n + j] - expected(i, j))).toBeLessThan(tol);
    const plain = Float32Array.from(c.f32);
    // Aᵀ stored (k × m) read transposed gives the same product, bit for bit.
    arena.k.gemm(c.ptr, at.ptr, b.ptr, 0, m, k, n, 1, m, 0);
    expect(Array.from(c.f32)).toEqual(Array.from(plain));
    arena.k.gemm(c.ptr, a.ptr, b.ptr, bias.ptr, m, k, n, k, 1, 0);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(Math.abs(c.f32[i * n + j] - expected(i, j) - bias.f32[j])).toBeLessThan(tol);
    arena.k.gemm(c.ptr, a.ptr, b.ptr, 0, m, k, n, k, 1, 1);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(Math.abs(c.f32[i * n + j] - 2 * expected(i, j) - bias.f32[j])).toBeLessThan(2 * tol);
  });

  it('tanh is accurate to float32 precision, saturates, and agrees between vector and scalar paths', () => {
    const xs = Float32Array.from({ length: 20003 }, (_, i) => (i - 10001) * 1e-3);
    xs[0] = -50;
    xs[1] = 50;
    const arena = new KernelArena(xs.length + 16);
    const buf = arena.alloc(xs.length);
    buf.f32.set(xs);
    arena.k.tanhInPlace(buf.ptr, xs.length);
    let worst = 0;
    for (let i = 0; i < xs.length; i++) worst = Math.max(worst, Math.abs(buf.f32[i] - Math.tanh(xs[i])));
    expect(worst).toBeLessThan(5e-7);
    expect(buf.f32[0]).toBe(-1);
    expect(buf.f32[1]).toBe(1);
    // The last three elements go through the scalar path; recompute them in the vector path.
    const tail = arena.alloc(4);
    tail.f32.set([xs[xs.length - 3], xs[xs.length - 2], xs[xs.length - 1], 0]);
    arena.k.tanhInPlace(tail.ptr, 4);
    expect(Array.from(tail.f32.subarray(0, 3))).toEqual(Array.from(buf.f32.subarray(xs.length - 3)));
    // A NaN stays NaN in both paths, so divergence is still caught downstream.
    const nan = arena.alloc(5);
    nan.f32.set([Number.NaN, 2, -0, 0.5, Number.NaN]);
    arena.k.tanhInPlace(nan.ptr, 5);
    expect(Number.isNaN(nan.f32[0]) && Number.isNaN(nan.f32[4])).toBe(true);
    expect(Object.is(nan.f32[2], -0)).toBe(true);
  });

  it('column sums and transposes', () => {
    const rng = new Rng(4);
    const arena = new KernelArena(200);
    const src = arena.alloc(5 * 7);
    const dst = arena.alloc(7);
    const t = arena.alloc(7 * 5);
    src.f32.set(randomArray(rng, 35));
    arena.k.columnSums(dst.ptr, src.ptr, 5, 7, 0);
    for (let j = 0; j < 7; j++) expect(dst.f32[j]).toBeCloseTo([0, 1, 2, 3, 4].reduce((s, r) => s + src.f32[r * 7 + j], 0), 5);
    arena.k.transpose(t.ptr, src.ptr, 5, 7);
    for (let r = 0; r < 5; r++) for (let c = 0; c < 7; c++) expect(t.f32[c * 5 + r]).toBe(src.f32[r * 7 + c]);
  });

  it('the committed binary is a fresh build of kernels/mlp.ts', async () => {
    // @ts-expect-error: a plain ES module script without types.
    const { buildKernels } = (await import('../../scripts/build-kernels.mjs')) as { buildKernels(): Promise<string> };
    expect(await buildKernels()).toBe(readFileSync('src/main/core/learn/kernels/mlpKernelsWasm.ts', 'utf8'));
  });
});

describe('MlpWasm', () => {
  const layout = new MlpLayout([11, 100, 100, 3]);
  const rows = 9;

  function setup(seed: number) {
    const rng = new Rng(seed);
    const params = initMlpParams(layout, rng, 1);
    for (let i = 0; i < params.length; i++) params[i] += 0.05 * rng.normal();
    const x = randomArray(rng, rows * 11);
    return { rng, params, x };
  }

  it('forward equals the float64 JS forward to float32 accuracy; one row equals its row of a batch', () => {
    const { params, x } = setup(1);
    const net = new MlpWasm(layout, rows);
    net.setParams(params);
    net.input.set(x);
    const batch = Float32Array.from(net.forward(rows));
    const ref = new MlpReference(layout);
    ref.setParams(params);
    const out = new Float64Array(3);
    for (let r = 0; r < rows; r++) {
      ref.run(x, r * 11, out, 0);
      for (let j = 0; j < 3; j++) expect(Math.abs(batch[r * 3 + j] - out[j])).toBeLessThan(2e-5 * (1 + Math.abs(out[j])));
      net.input.set(x.subarray(r * 11, (r + 1) * 11));
      expect(Array.from(net.forward(1))).toEqual(Array.from(batch.subarray(r * 3, r * 3 + 3)));
    }
  });

  // The second layout's input is wider than its hidden layers (as Humanoid's 348 inputs are).
  it.each([[[3, 6, 5, 2]], [[9, 4, 5, 2]]])('backward of %j is the gradient of Σ c ⊙ output (central differences in float64)', (sizes) => {
    const rng = new Rng(2);
    const small = new MlpLayout(sizes);
    const nIn = sizes[0];
    const p = initMlpParams(small, rng, 1);
    for (let i = 0; i < p.length; i++) p[i] += 0.3 * rng.normal();
    const xs = randomArray(rng, rows * nIn);
    const c = randomArray(rng, rows * 2);
    const net = new MlpWasm(small, rows);
    net.setParams(p);
    net.input.set(xs);
    net.forward(rows);
    net.outputGrad.set(c);
    const grad = Float64Array.from(net.backward(rows));
    const ref = new MlpReference(small);
    const out = new Float64Array(2);
    const f = (theta: Float64Array) => {
      ref.setParams(theta);
      let s = 0;
      for (let r = 0; r < rows; r++) {
        ref.run(xs, r * nIn, out, 0);
        s += c[2 * r] * out[0] + c[2 * r + 1] * out[1];
      }
      return s;
    };
    const theta = Float64Array.from(p);
    for (let i = 0; i < theta.length; i++) {
      const h = 1e-5;
      const saved = theta[i];
      theta[i] = saved + h;
      const up = f(theta);
      theta[i] = saved - h;
      const down = f(theta);
      theta[i] = saved;
      expect(Math.abs(grad[i] - (up - down) / (2 * h))).toBeLessThan(2e-4 * (1 + Math.abs(grad[i])));
    }
  });

  it('jvp is the directional derivative of the output (central differences in float64)', () => {
    const rng = new Rng(3);
    const small = new MlpLayout([3, 6, 5, 2]);
    const p = initMlpParams(small, rng, 1);
    for (let i = 0; i < p.length; i++) p[i] += 0.3 * rng.normal();
    const xs = randomArray(rng, rows * 3);
    const v = randomArray(rng, small.numParams);
    const net = new MlpWasm(small, rows);
    net.setParams(p);
    net.input.set(xs);
    net.forward(rows);
    const jv = Float64Array.from(net.jvp(rows, v));
    const ref = new MlpReference(small);
    const h = 1e-5;
    const at = (sign: number) => {
      ref.setParams(Float64Array.from(p, (x, i) => x + sign * h * v[i]));
      const out = new Float64Array(rows * 2);
      for (let r = 0; r < rows; r++) ref.run(xs, r * 3, out, r * 2);
      return out;
    };
    const up = at(1);
    const down = at(-1);
    for (let i = 0; i < rows * 2; i++) expect(Math.abs(jv[i] - (up[i] - down[i]) / (2 * h))).toBeLessThan(2e-4 * (1 + Math.abs(jv[i])));
    // backward after jvp still sees the forward pass's activations.
    net.outputGrad.fill(1);
    const g1 = Float32Array.from(net.backward(rows));
    net.forward(rows);
    expect(Array.from(net.backward(rows))).toEqual(Array.from(g1));
  });

  it('refuses more rows than its capacity', () => {
    const net = new MlpWasm(layout, 4);
    expect(() => net.forward(5)).toThrow(/capacity 4/);
  });
});
