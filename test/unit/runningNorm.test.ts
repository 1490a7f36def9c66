import { describe, expect, it } from 'vitest';
import { RowMoments, RunningNorm } from '../../src/main/core/math/runningNorm';
import { Rng } from '../../src/main/core/math/rng';

/** The prior the normaliser starts from (baselines' RunningMeanStd): count 1e-4, mean 0, var 1. */
const PRIOR_COUNT = 1e-4;

/** rows × dim row-major data whose columns have different offsets and scales. */
function makeData(rng: Rng, rows: number, dim: number): Float64Array {
  const out = new Float64Array(rows * dim);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) out[r * dim + j] = 3 * (j - 1) + (j + 0.5) * rng.normal();
  return out;
}

function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Plain two-pass population mean and variance of each column (no prior). */
function columnStats(data: Float64Array, dim: number): { mean: number[]; variance: number[]; rows: number } {
  const rows = data.length / dim;
  const mean = new Array<number>(dim).fill(0);
  const variance = new Array<number>(dim).fill(0);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) mean[j] += data[r * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= rows;
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) variance[j] += (data[r * dim + j] - mean[j]) ** 2;
  for (let j = 0; j < dim; j++) variance[j] /= rows;
  return { mean, variance, rows };
}

/**
 * The exact statistics of the prior pseudo-sample (weight 1e-4, mean 0, var 1)
 * pooled with the data: mean = Σx / (c0 + n) and
 * var = (c0·(1 + (0 − mean)²) + Σ(x − mean)²) / (c0 + n).
 */
function pooledWithPrior(data: Float64Array, dim: number): { mean: number[]; variance: number[] } {
  const rows = data.length / dim;
  const total = PRIOR_COUNT + rows;
  const mean = new Array<number>(dim).fill(0);
  const variance = new Array<number>(dim).fill(0);
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) mean[j] += data[r * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= total;
  for (let r = 0; r < rows; r++) for (let j = 0; j < dim; j++) variance[j] += (data[r * dim + j] - mean[j]) ** 2;
  for (let j = 0; j < dim; j++) variance[j] = (variance[j] + PRIOR_COUNT * (1 + mean[j] ** 2)) / total;
  return { mean, variance };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, relTol: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(relTol * Math.max(1, Math.abs(expected[i])));
  }
}

/** Reference normalisation written from the spec: clip((x − mean) / sqrt(max(var, floor)), ±clip). */
function referenceNormalize(x: number, mean: number, variance: number, floor: number, clip: number): number {
  const z = (x - mean) / Math.sqrt(Math.max(variance, floor));
  return Math.min(clip, Math.max(-clip, z));
}

describe('RunningNorm statistics', () => {
  it('starts from the prior: mean 0, var 1, count 1e-4', () => {
    const n = new RunningNorm(3);
    expect(Array.from(n.mean)).toEqual([0, 0, 0]);
    expect(Array.from(n.var)).toEqual([1, 1, 1]);
    expect(n.count).toBe(PRIOR_COUNT);
  });

  it('after batches of different sizes, mean/var equal the exact pooled statistics of all data plus the 1e-4 prior', () => {
    const dim = 3;
    const rng = new Rng(11);
    // Sizes include a single row (batch variance 0) to exercise the cross term of Chan's update.
    const batches = [1, 7, 50, 123, 2].map((rows) => makeData(rng, rows, dim));
    const norm = new RunningNorm(dim);
    for (const b of batches) norm.update(b, b.length / dim);
    const all = concat(batches);
    const expected = pooledWithPrior(all, dim);
    expectClose(norm.mean, expected.mean, 1e-9);
    expectClose(norm.var, expected.variance, 1e-9);
    expect(norm.count).toBeCloseTo(PRIOR_COUNT + all.length / dim, 9);
  });

  it('with ≥ 1000 rows the prior is negligible: mean/var match plain population statistics to 1e-6', () => {
    // The prior shifts the mean by mean·c0/(c0+n) and the variance by ~c0·(1+mean²−var)/n,
    // i.e. below 1e-6 for data of order 1 and n ≥ 1000.
    const dim = 3;
    const rng = new Rng(12);
    const batches = [400, 1, 599, 300].map((rows) => makeData(rng, rows, dim));
    const norm = new RunningNorm(dim);
    for (const b of batches) norm.update(b, b.length / dim);
    const plain = columnStats(concat(batches), dim);
    expect(plain.rows).toBeGreaterThanOrEqual(1000);
    for (let j = 0; j < dim; j++) {
      expect(Math.abs(norm.mean[j] - plain.mean[j])).toBeLessThan(1e-6);
      expect(Math.abs(norm.var[j] - plain.variance[j])).toBeLessThan(1e-6);
    }
  });

  it('gives the same statistics whether the data arrive in one batch or in many', () => {
    // Chan's parallel update is exact, so batching must not change the result beyond rounding.
    const dim = 2;
    const rng = new Rng(13);
    const data = makeData(rng, 300, dim);
    const once = new RunningNorm(dim);
    once.update(data, 300);
    const many = new RunningNorm(dim);
    for (const [start, rows] of [[0, 5], [5, 1], [6, 94], [100, 200]]) many.update(data.subarray(start * dim, (start + rows) * dim), rows);
    expectClose(many.mean, once.mean, 1e-12);
    expectClose(many.var, once.var, 1e-12);
    expect(many.count).toBeCloseTo(once.count, 9);
  });

  it('honours the offset argument and ignores an empty update', () => {
    const dim = 2;
    const rng = new Rng(14);
    const data = makeData(rng, 20, dim);
    const padded = new Float64Array(data.length + 6);
    padded.set(data, 6);
    const a = new RunningNorm(dim);
    a.update(data, 20);
    const b = new RunningNorm(dim);
    b.update(padded, 20, 6);
    expect(Array.from(b.mean)).toEqual(Array.from(a.mean));
    expect(Array.from(b.var)).toEqual(Array.from(a.var));
    // rows = 0 must be a no-op (not a division by zero that poisons the state with NaN).
    b.update(padded, 0);
    expect(b.getState()).toEqual(a.getState());
  });
});

describe('RunningNorm normalisation', () => {
  it('computes clip((x − mean) / sqrt(max(var, floor)), ±5) including the clip and the variance floor', () => {
    const norm = new RunningNorm(4);
    // var: normal, below the floor, exactly 0, exactly at the floor.
    const mean = [1, -2, 0.5, 3];
    const variance = [4, 0.0025, 0, 1e-2];
    norm.setState({ mean, var: variance, count: 10 });
    const rows = [
      [2, -2.05, 0.6, 3.05], // in range for every column; column 1 uses std 0.1, not 0.05
      [12, -1, 0.5, 2], // column 0: z = 5.5 → 5; column 1: z = 10 → 5; column 3: z = −10 → −5
      [-20, -2.6, -0.1, 3.4], // column 0: −10.5 → −5; column 1: −6 → −5; column 2: −6 → −5; column 3: 4
    ];
    for (const row of rows) {
      const out = new Float64Array(4);
      norm.normalizeRow(row, 0, out, 0);
      const expected = row.map((x, j) => referenceNormalize(x, mean[j], variance[j], 1e-2, 5));
      expectClose(out, expected, 1e-12);
    }
    // Spot-check the hand numbers so the reference itself is pinned.
    const out = new Float64Array(4);
    norm.normalizeRow(rows[0], 0, out, 0);
    expectClose(out, [0.5, -0.5, 1, 0.5], 1e-12);
    norm.normalizeRow(rows[1], 0, out, 0);
    expectClose(out, [5, 5, 0, -5], 1e-12);
    norm.normalizeRow(rows[2], 0, out, 0);
    expectClose(out, [-5, -5, -5, 4], 1e-12);
  });

  it('gives a constant coordinate std 0.1 (the floor) rather than dividing by ~0', () => {
    const norm = new RunningNorm(2);
    const rng = new Rng(21);
    const rows = 500;
    const data = new Float64Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      data[r * 2] = rng.normal();
      data[r * 2 + 1] = 3; // constant column
    }
    norm.update(data, rows);
    // Only the prior contributes variance to the constant column: c0·(1 + mean²)/(c0 + n) ≈ 2e-6.
    expect(norm.var[1]).toBeLessThan(1e-5);
    expect(norm.mean[1]).toBeCloseTo(3, 5);
    const out = new Float64Array(2);
    norm.normalizeRow([0, 3.2], 0, out, 0);
    expect(out[1]).toBeCloseTo((3.2 - norm.mean[1]) / 0.1, 9); // ≈ 2, not ≈ 140
    norm.normalizeRow([0, 4], 0, out, 0);
    expect(out[1]).toBe(5); // (4 − 3)/0.1 = 10 is clipped
    norm.normalizeRow([0, 2.9], 0, out, 0);
    // The prior pulls the mean to 3·n/(n + 1e-4), so z = −1 − 6e-6; hence the explicit reference.
    expect(out[1]).toBeCloseTo((2.9 - norm.mean[1]) / 0.1, 9);
    expect(out[1]).toBeCloseTo(-1, 4);
  });

  it('respects a custom clip and variance floor', () => {
    const norm = new RunningNorm(1, 2, 0.25);
    norm.setState({ mean: [0], var: [0.01], count: 1 });
    const out = new Float64Array(1);
    norm.normalizeRow([0.4], 0, out, 0);
    expect(out[0]).toBeCloseTo(0.8, 12); // std = sqrt(0.25) = 0.5
    norm.normalizeRow([-3], 0, out, 0);
    expect(out[0]).toBe(-2); // −6 clipped to −2
  });

  it('normalize() returns a rows × dim Float32Array equal to normalizeRow row by row', () => {
    const dim = 3;
    const rng = new Rng(22);
    const norm = new RunningNorm(dim);
    norm.update(makeData(rng, 64, dim), 64);
    const x = makeData(rng, 5, dim);
    const out = norm.normalize(x, 5);
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(5 * dim);
    for (let r = 0; r < 5; r++) {
      const row = new Float64Array(dim);
      norm.normalizeRow(x, r * dim, row, 0);
      for (let j = 0; j < dim; j++) {
        expect(out[r * dim + j]).toBe(Math.fround(row[j]));
        expect(row[j]).toBeCloseTo(referenceNormalize(x[r * dim + j], norm.mean[j], norm.var[j], 1e-2, 5), 12);
      }
    }
  });
});

describe('RunningNorm state', () => {
  it('round-trips through JSON: same statistics, same outputs, same future updates', () => {
    const dim = 3;
    const rng = new Rng(31);
    const a = new RunningNorm(dim);
    a.update(makeData(rng, 37, dim), 37);
    const b = new RunningNorm(dim);
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(b.getState()).toEqual(a.getState());
    const x = makeData(rng, 4, dim);
    expect(Array.from(b.normalize(x, 4))).toEqual(Array.from(a.normalize(x, 4)));
    // The restored normaliser must keep learning exactly as the original would.
    const more = makeData(rng, 11, dim);
    a.update(more, 11);
    b.update(more, 11);
    expect(b.getState()).toEqual(a.getState());
  });

  it('refuses a state of the wrong dimension and leaves its own state untouched', () => {
    const norm = new RunningNorm(2);
    norm.update([1, 2, 3, 5], 2);
    const before = norm.getState();
    expect(() => norm.setState({ mean: [0, 0, 0], var: [1, 1, 1], count: 5 })).toThrow(/dim/);
    expect(() => norm.setState({ mean: [0], var: [1], count: 5 })).toThrow();
    // Mean of the right size but var of the wrong size is just as corrupt.
    expect(() => norm.setState({ mean: [0, 0], var: [1], count: 5 })).toThrow();
    expect(() => norm.setState({ mean: [0, 0], var: [1, 1, 1], count: 5 })).toThrow();
    expect(norm.getState()).toEqual(before);
  });
});

describe('RowMoments', () => {
  it('gives the two-pass mean and population variance of rows added one at a time', () => {
    const dim = 4;
    const data = makeData(new Rng(5), 300, dim);
    const m = new RowMoments(dim);
    for (let r = 0; r < 300; r++) m.add(data, r * dim);
    const ref = columnStats(data, dim);
    expect(m.count).toBe(300);
    for (let j = 0; j < dim; j++) {
      expect(m.mean[j]).toBeCloseTo(ref.mean[j], 10);
      expect(m.variance()[j]).toBeCloseTo(ref.variance[j], 9);
    }
    m.clear();
    expect(m.count).toBe(0);
    expect(Array.from(m.variance())).toEqual([0, 0, 0, 0]);
  });

  it('folded into a normaliser with merge, matches update on the same rows', () => {
    const dim = 3;
    const rng = new Rng(8);
    const a = makeData(rng, 50, dim);
    const b = makeData(rng, 120, dim);
    const byUpdate = new RunningNorm(dim);
    byUpdate.update(a, 50);
    byUpdate.update(b, 120);
    const byMerge = new RunningNorm(dim);
    for (const [data, rows] of [[a, 50], [b, 120]] as const) {
      const m = new RowMoments(dim);
      for (let r = 0; r < rows; r++) m.add(data, r * dim);
      byMerge.merge(m.mean, m.variance(), m.count);
    }
    expect(byMerge.count).toBe(byUpdate.count);
    for (let j = 0; j < dim; j++) {
      expect(byMerge.mean[j]).toBeCloseTo(byUpdate.mean[j], 10);
      expect(byMerge.var[j]).toBeCloseTo(byUpdate.var[j], 9);
    }
  });

  it('absorbs other batches\' moments as if their rows had been added here, in order', () => {
    const dim = 3;
    const data = makeData(new Rng(11), 90, dim);
    const whole = new RowMoments(dim);
    for (let r = 0; r < 90; r++) whole.add(data, r * dim);
    const pooled = new RowMoments(dim);
    for (const [from, to] of [[0, 20], [20, 21], [21, 90]]) {
      const part = new RowMoments(dim);
      for (let r = from; r < to; r++) part.add(data, r * dim);
      pooled.absorb(part.mean, part.m2, part.count);
    }
    pooled.absorb([1, 2, 3], [4, 5, 6], 0);
    expect(pooled.count).toBe(90);
    for (let j = 0; j < dim; j++) {
      expect(pooled.mean[j]).toBeCloseTo(whole.mean[j], 12);
      expect(pooled.variance()[j]).toBeCloseTo(whole.variance()[j], 10);
    }
  });
});
