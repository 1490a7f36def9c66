/**
 * GAIL's two settle schedules act on the numbers they name, iteration by
 * iteration: TRPO's KL radius (every step stays inside it) and the
 * discriminator's learning rate; at 1 they leave no trace.
 */
import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../src/shared/runConfigs';
import { evaluatePolicy } from '../../src/main/core/learn/evaluate';
import { GaussianPolicy } from '../../src/main/core/learn/policy';
import { Rng } from '../../src/main/core/math/rng';
import { SimModel } from '../../src/main/core/sim/simModel';
import { RunDirectory, saveDataset } from '../../src/main/core/runs/storage';
import { recordRun, tempDir } from '../helpers/runs';

const env = 'InvertedPendulum-v5' as const;

async function randomDataset(): Promise<string> {
  const sim = await SimModel.load(env);
  const s = sim.spec;
  const policy = new GaussianPolicy({ env, obsDim: s.obsDim, actDim: s.actDim, hiddenSizes: [8], actLow: s.actLow, actHigh: s.actHigh }, undefined, new Rng(3));
  const ev = evaluatePolicy(sim, policy, { episodes: 4, deterministic: false, seed: 2, record: true });
  sim.dispose();
  const dir = tempDir('settle-data');
  saveDataset(new RunDirectory(dir), { env, obsDim: s.obsDim, actDim: s.actDim, nq: 0, nv: 0, source: { policy: 'random' }, trajectories: ev.trajectories });
  return dir;
}

describe('GAIL settle schedules', () => {
  it('shrink the KL radius and D\'s learning rate linearly over the env-step budget', async () => {
    const dataset = await randomDataset();
    const base = {
      kind: 'gail',
      env,
      dataset,
      trajectories: 4,
      hiddenSizes: [8],
      totalSteps: 256,
      gSteps: 1,
      evalEvery: 0,
      checkpointEvery: 0,
      finalEvalEpisodes: 1,
      expertSubsample: 1,
      bcWarmStartIterations: 0,
      trpo: { batchSteps: 64, maxKl: 0.02 },
      discriminator: { hiddenSizes: [8], learningRate: 4e-4 },
    } satisfies RunConfigInput;

    const settled = await recordRun({ ...base, trpo: { ...base.trpo, maxKlEndFraction: 0 }, discriminator: { ...base.discriminator, learningRateEndFraction: 0.5 } });
    const rows = settled.events.flatMap((e) => (e.type === 'metrics' ? [e.values] : []));
    expect(rows).toHaveLength(4);
    rows.forEach((v, i) => {
      // The policy step of iteration i starts at i/4 of the budget, D's training after it at (i+1)/4.
      expect(v.maxKl).toBeCloseTo(0.02 * (1 - i / 4), 12);
      expect(v.discriminatorLearningRate).toBeCloseTo(4e-4 * (1 - 0.5 * ((i + 1) / 4)), 12);
      if (v.stepAccepted === 1) expect(v.kl).toBeLessThanOrEqual(1.5 * v.maxKl + 1e-12);
    });

    const plain = await recordRun({ ...base, trpo: { ...base.trpo, maxKlEndFraction: 1 } });
    const plainRows = plain.events.flatMap((e) => (e.type === 'metrics' ? [e.values] : []));
    expect(plainRows.some((v) => 'maxKl' in v || 'discriminatorLearningRate' in v)).toBe(false);
    // The first iteration runs at the full radius in both, so its numbers agree; later ones differ.
    expect(plainRows[0].kl).toBe(rows[0].kl);
    expect(plainRows[3].discriminatorLoss).not.toBe(rows[3].discriminatorLoss);
  }, 60_000);
});
