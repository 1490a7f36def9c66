/**
 * One TRPO policy step on a synthetic batch whose advantages reward moving the
 * mean in a known direction: the step is accepted inside the KL trust region
 * (KL recomputed here from the policy's new means in float64), the surrogate
 * improves, and degenerate inputs (zero or NaN advantages) are handled.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/main/core/math/rng';
import { MlpReference } from '../helpers/mlpReference';
import { GaussianPolicy } from '../../src/main/core/learn/policy';
import { NonFiniteError } from '../../src/main/core/learn/divergence';
import { trpoStep, TrpoNets, type PolicyBatch, type TrpoSettings } from '../../src/main/core/learn/trpoUpdate';

const obsDim = 4;
const actDim = 2;
const rows = 256;
const maxKl = 0.01;

const settings = (over: Partial<TrpoSettings> = {}): TrpoSettings => ({
  maxKl,
  cgIterations: 10,
  cgDamping: 0.1,
  lineSearchSteps: 10,
  entropyCoef: 0,
  fvpSubsample: 1,
  ...over,
});

function makePolicy(seed: number): GaussianPolicy {
  const p = new GaussianPolicy(
    { env: 'test', obsDim, actDim, hiddenSizes: [16, 16], actLow: [-1, -1], actHigh: [1, 1] },
    undefined,
    new Rng(seed),
  );
  p.logStd.set([0.1, -0.3]);
  return p;
}

/** Means of the policy's MLP for every row, in float64 via the per-row JS forward. */
function meansOf(policy: GaussianPolicy, normObs: Float32Array): Float64Array {
  const f = new MlpReference(policy.layout);
  f.setParams(policy.params);
  const out = new Float64Array(rows * actDim);
  for (let r = 0; r < rows; r++) f.run(normObs, r * obsDim, out, r * actDim);
  return out;
}

/** Mean over rows of KL(old ‖ new) for diagonal Gaussians, written out independently. */
function klOldNew(mOld: Float64Array, lsOld: ArrayLike<number>, mNew: Float64Array, lsNew: ArrayLike<number>): number {
  let s = 0;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < actDim; j++) {
      const vOld = Math.exp(2 * lsOld[j]);
      const vNew = Math.exp(2 * lsNew[j]);
      const dm = mOld[r * actDim + j] - mNew[r * actDim + j];
      s += lsNew[j] - lsOld[j] + (vOld + dm * dm) / (2 * vNew) - 0.5;
    }
  }
  return s / rows;
}

function logDensity(a: Float64Array, m: Float64Array, ls: ArrayLike<number>, r: number): number {
  let s = 0;
  for (let j = 0; j < actDim; j++) {
    const z = (a[r * actDim + j] - m[r * actDim + j]) / Math.exp(ls[j]);
    s += -0.5 * z * z - ls[j] - 0.5 * Math.log(2 * Math.PI);
  }
  return s;
}

/**
 * Observations N(0, 1); actions = mean + σ·ε; advantage = ε·w (+ a little
 * noise), so moving the mean along w (scaled by σ) improves the surrogate.
 */
function makeBatch(policy: GaussianPolicy, seed: number): PolicyBatch & { meanOld: Float64Array } {
  const rng = new Rng(seed);
  const normObs = Float32Array.from({ length: rows * obsDim }, () => rng.normal());
  const meanOld = meansOf(policy, normObs);
  const actions = new Float64Array(rows * actDim);
  const advantages = new Float64Array(rows);
  const w = [1, -0.5];
  for (let r = 0; r < rows; r++) {
    let adv = 0.1 * rng.normal();
    for (let j = 0; j < actDim; j++) {
      const eps = rng.normal();
      actions[r * actDim + j] = meanOld[r * actDim + j] + Math.exp(policy.logStd[j]) * eps;
      adv += w[j] * eps;
    }
    advantages[r] = adv;
  }
  return { normObs, actions, advantages, rows, meanOld };
}

function surrogateImprovement(batch: PolicyBatch, mOld: Float64Array, lsOld: ArrayLike<number>, mNew: Float64Array, lsNew: ArrayLike<number>): number {
  let s = 0;
  for (let r = 0; r < rows; r++) {
    const ratio = Math.exp(logDensity(batch.actions, mNew, lsNew, r) - logDensity(batch.actions, mOld, lsOld, r));
    s += (ratio - 1) * batch.advantages[r];
  }
  return s / rows;
}

describe('trpoStep', () => {
  for (const k of [1, 2]) {
    it(`accepts an improving step with 0 < KL ≤ 1.5·maxKl (recomputed independently), fvpSubsample ${k}`, () => {
      const policy = makePolicy(1);
      const batch = makeBatch(policy, 2);
      const lsOld = Float64Array.from(policy.logStd);
      const flatOld = policy.getFlat();
      const net = new TrpoNets(policy.layout);
      const stats = trpoStep(policy, net, batch, settings({ fvpSubsample: k }));

      expect(stats.accepted).toBe(true);
      expect(stats.lineSearchSteps).toBeGreaterThanOrEqual(1);
      expect(stats.lineSearchSteps).toBeLessThanOrEqual(10);
      const flatNew = policy.getFlat();
      let maxChange = 0;
      for (let i = 0; i < flatNew.length; i++) maxChange = Math.max(maxChange, Math.abs(flatNew[i] - flatOld[i]));
      expect(maxChange).toBeGreaterThan(1e-4);

      const meanNew = meansOf(policy, batch.normObs);
      const kl = klOldNew(batch.meanOld, lsOld, meanNew, policy.logStd);
      expect(kl).toBeGreaterThan(0);
      expect(kl).toBeLessThanOrEqual(1.5 * maxKl * (1 + 1e-3));
      expect(stats.kl).toBeGreaterThan(0);
      expect(stats.kl).toBeLessThanOrEqual(1.5 * maxKl);
      expect(Math.abs(stats.kl - kl)).toBeLessThan(1e-3 * kl + 1e-7);
      // A full natural step of size maxKl is a meaningful move, not a vanishing one.
      expect(kl).toBeGreaterThan(0.1 * maxKl);

      const improve = surrogateImprovement(batch, batch.meanOld, lsOld, meanNew, policy.logStd);
      expect(stats.surrogateImprove).toBeGreaterThan(0);
      expect(improve).toBeGreaterThan(0);
      expect(Math.abs(stats.surrogateImprove - improve)).toBeLessThan(1e-3 * Math.abs(improve) + 1e-6);
      expect(stats.expectedImprove).toBeGreaterThan(0);
    });
  }

  it('moves the mean in the direction the advantages reward (mean of action 0 up, action 1 down)', () => {
    const policy = makePolicy(3);
    const batch = makeBatch(policy, 4);
    const net = new TrpoNets(policy.layout);
    const stats = trpoStep(policy, net, batch, settings());
    expect(stats.accepted).toBe(true);
    const meanNew = meansOf(policy, batch.normObs);
    let d0 = 0;
    let d1 = 0;
    for (let r = 0; r < rows; r++) {
      d0 += meanNew[r * actDim] - batch.meanOld[r * actDim];
      d1 += meanNew[r * actDim + 1] - batch.meanOld[r * actDim + 1];
    }
    expect(d0 / rows).toBeGreaterThan(0);
    expect(d1 / rows).toBeLessThan(0);
  });

  it('leaves the policy unchanged when every advantage is zero', () => {
    const policy = makePolicy(5);
    const batch = makeBatch(policy, 6);
    batch.advantages.fill(0);
    const flatOld = policy.getFlat();
    const net = new TrpoNets(policy.layout);
    const stats = trpoStep(policy, net, batch, settings());
    expect(Array.from(policy.getFlat())).toEqual(Array.from(flatOld));
    expect(!stats.accepted || stats.kl === 0).toBe(true);
    expect(stats.surrogateImprove).toBe(0);
  });

  it('throws NonFiniteError naming the policy gradient when an advantage is NaN, leaving the policy unchanged', () => {
    const policy = makePolicy(7);
    const batch = makeBatch(policy, 8);
    batch.advantages[17] = Number.NaN;
    const flatOld = policy.getFlat();
    const net = new TrpoNets(policy.layout);
    let caught: unknown;
    try {
      trpoStep(policy, net, batch, settings());
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(NonFiniteError);
    expect((caught as NonFiniteError).quantity).toBe('policy gradient');
    expect((caught as NonFiniteError).message).toContain('policy gradient');
    expect(Array.from(policy.getFlat())).toEqual(Array.from(flatOld));
  });

  it('is deterministic: the same policy and batch give the same step, bit for bit, with fresh or reused nets', () => {
    const a = makePolicy(9);
    const b = makePolicy(9);
    const nets = new TrpoNets(a.layout);
    trpoStep(a, nets, makeBatch(a, 10), settings({ fvpSubsample: 2 }));
    trpoStep(a, nets, makeBatch(a, 11), settings());
    trpoStep(b, new TrpoNets(b.layout), makeBatch(b, 10), settings({ fvpSubsample: 2 }));
    trpoStep(b, new TrpoNets(b.layout), makeBatch(b, 11), settings());
    expect(Array.from(a.getFlat())).toEqual(Array.from(b.getFlat()));
  });
});
