/**
 * Behavioral Cloning's two losses on a synthetic expert whose actions are a
 * linear map of the observation plus Gaussian noise of a known spread per
 * action coordinate: the Gaussian NLL moves the policy's σ to that spread
 * (what GAIL's warm start needs to start from the expert's exploration), MSE
 * fits the mean and leaves σ at its initial 1.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { BcTrainer } from '../../src/main/core/learn/behavioralCloning';
import { GaussianPolicy } from '../../src/main/core/learn/policy';
import { Rng } from '../../src/main/core/math/rng';
import { backendReady } from '../helpers/tfBackend';

const obsDim = 3;
const actDim = 2;
const spread = [0.1, 0.3];
const count = 2000;

function expertData(seed: number, count = 2000) {
  const rng = new Rng(seed);
  const obs = new Float32Array(count * obsDim);
  const actions = new Float32Array(count * actDim);
  for (let r = 0; r < count; r++) {
    for (let i = 0; i < obsDim; i++) obs[r * obsDim + i] = rng.normal();
    const o = obs.subarray(r * obsDim, (r + 1) * obsDim);
    actions[r * actDim] = 0.5 * o[0] - 0.2 * o[1] + spread[0] * rng.normal();
    actions[r * actDim + 1] = 0.3 * o[2] + spread[1] * rng.normal();
  }
  return { obs, actions };
}

function train(loss: 'mse' | 'nll', steps: number, pairs = count, validationFraction = 0, hidden = [32, 32]) {
  const { obs, actions } = expertData(1, pairs);
  const policy = new GaussianPolicy({ env: 'synthetic', obsDim, actDim, hiddenSizes: hidden, actLow: [-1, -1], actHigh: [1, 1] }, undefined, new Rng(2));
  const bc = new BcTrainer(policy, obs, actions, pairs, { batchSize: 64, learningRate: 3e-3, loss, validationFraction }, new Rng(3));
  try {
    for (let i = 1; i <= steps; i++) {
      bc.step();
      if (validationFraction > 0 && i % 50 === 0) bc.validate();
    }
    if (validationFraction > 0) bc.restoreBest();
    return { policy, validation: bc.validate() };
  } finally {
    bc.dispose();
  }
}

describe('BcTrainer losses', () => {
  beforeAll(() => backendReady);

  it('NLL moves σ from 1 to the expert data\'s action spread in each coordinate', () => {
    const { policy } = train('nll', 1500);
    const sigma = Array.from(policy.logStd, Math.exp);
    for (let j = 0; j < actDim; j++) {
      // Within 35% of the true spread (the mean's residual error adds a little), and far from 1.
      expect(sigma[j]).toBeGreaterThan(spread[j] * 0.8);
      expect(sigma[j]).toBeLessThan(spread[j] * 1.35);
    }
    expect(sigma[0]).toBeLessThan(sigma[1]);
  });

  it('MSE fits the mean but leaves σ at 1', () => {
    const { policy, validation } = train('mse', 600);
    expect(Array.from(policy.logStd)).toEqual([0, 0]);
    // The mean squared error approaches the noise floor mean(spread²) = 0.05.
    expect(validation.loss).toBeLessThan(0.08);
    // With MSE the loss is that error per action coordinate; the pair-wise error sums the two.
    expect(validation.meanSquaredError).toBeCloseTo(actDim * validation.loss, 6);
  });

  it('on few pairs NLL overfits σ towards 0, and the best-validation snapshot keeps it near the spread (GAIL\'s warm start)', () => {
    const steps = 2000;
    const overfit = Array.from(train('nll', steps, 60, 0, [64, 64]).policy.logStd, Math.exp);
    const held = Array.from(train('nll', steps, 60, 0.3, [64, 64]).policy.logStd, Math.exp);
    for (let j = 0; j < actDim; j++) {
      expect(overfit[j]).toBeLessThan(0.5 * spread[j]);
      // The held-out residual includes the mean's error on 18 pairs, so σ stays above the spread, below its initial 1.
      expect(held[j]).toBeGreaterThan(0.8 * spread[j]);
      expect(held[j]).toBeLessThan(0.9);
      expect(held[j]).toBeGreaterThan(2 * overfit[j]);
    }
  });

  it('keeps the snapshot that minimises its criterion: the loss, or the mean action\'s squared error (Ho\'s pipeline)', () => {
    /** NLL on 56 training pairs, validated every 100 steps; returns every validation and the kept snapshot's. */
    const fit = (selectBy: 'loss' | 'meanSquaredError') => {
      const { obs, actions } = expertData(4, 80);
      const policy = new GaussianPolicy({ env: 'synthetic', obsDim, actDim, hiddenSizes: [64, 64], actLow: [-1, -1], actHigh: [1, 1] }, undefined, new Rng(2));
      const bc = new BcTrainer(policy, obs, actions, 80, { batchSize: 64, learningRate: 3e-3, loss: 'nll', validationFraction: 0.3, selectBy }, new Rng(3));
      const seen: { loss: number; meanSquaredError: number }[] = [];
      for (let i = 1; i <= 1500; i++) {
        bc.step();
        if (i % 100 === 0) seen.push(bc.validate());
      }
      bc.restoreBest();
      const kept = bc.validate();
      const best = bc.bestLoss;
      bc.dispose();
      return { seen, kept, best };
    };
    const byLoss = fit('loss');
    expect(byLoss.kept.loss).toBe(Math.min(...byLoss.seen.map((v) => v.loss)));
    expect(byLoss.best).toBe(byLoss.kept.loss);
    const byError = fit('meanSquaredError');
    expect(byError.kept.meanSquaredError).toBe(Math.min(...byError.seen.map((v) => v.meanSquaredError)));
    expect(byError.best).toBe(byError.kept.meanSquaredError);
    // The two criteria keep different snapshots here: NLL keeps falling after the mean's error has turned up.
    expect(byError.kept.meanSquaredError).toBeLessThan(byLoss.kept.meanSquaredError);
  });

  it('observation noise of std σ on unit-variance inputs shrinks a linear fit\'s slope by 1 / (1 + σ²)', () => {
    /** The fitted mean's slope in the first action along observation 0 (true slope 0.5), by central difference at 0. */
    const slope = (observationNoise: number) => {
      const { obs, actions } = expertData(1, 4000);
      const policy = new GaussianPolicy({ env: 'synthetic', obsDim, actDim, hiddenSizes: [32], actLow: [-1, -1], actHigh: [1, 1] }, undefined, new Rng(2));
      const bc = new BcTrainer(policy, obs, actions, 4000, { batchSize: 128, learningRate: 3e-3, loss: 'mse', validationFraction: 0, observationNoise }, new Rng(3));
      for (let i = 0; i < 2500; i++) bc.step();
      bc.dispose();
      const at = (x: number) => {
        const mean = new Float64Array(actDim);
        policy.act([x, 0, 0], 0, new Rng(0), true, mean, 0);
        return mean[0];
      };
      return (at(0.5) - at(-0.5)) / 1;
    };
    expect(slope(0)).toBeCloseTo(0.5, 1);
    // Errors in the inputs attenuate the fit: 0.5 × 1 / (1 + 1²) = 0.25.
    expect(slope(1)).toBeCloseTo(0.25, 1);
  });
});
