/**
 * GAIL's two settle schedules act on the numbers they name, iteration by
 * iteration: TRPO's KL radius (every step stays inside it) and the
 * discriminator's learning rate; at 1 they leave no trace, and before GAIL's
 * default decay start the run is the constant-radius run bit for bit.
 */
import { describe, expect, it } from 'vitest';
import type { RunConfigInput } from '../../src/shared/runConfigs';
import { randomPolicyDataset, recordRun } from '../helpers/runs';

const env = 'InvertedPendulum-v5' as const;

describe('GAIL settle schedules', () => {
  it('shrink the KL radius and D\'s learning rate linearly over the env-step budget', async () => {
    const dataset = await randomPolicyDataset(env, 4, 3);
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

    const settled = await recordRun({ ...base, trpo: { ...base.trpo, maxKlEndFraction: 0, maxKlDecayStart: 0 }, discriminator: { ...base.discriminator, learningRateEndFraction: 0.5 } });
    const rows = settled.events.flatMap((e) => (e.type === 'metrics' ? [e.values] : []));
    expect(rows).toHaveLength(4);
    // Each iteration also carries the demonstrations' mean return, the level the health check's "stalled" compares against.
    const done = settled.events.find((e) => e.type === 'done') as { summary: { details: { expertMeanReturn: number } } } | undefined;
    expect(done!.summary.details.expertMeanReturn).toBeGreaterThan(0);
    expect(rows.map((v) => v.demonstrationReturn)).toEqual(Array(4).fill(done!.summary.details.expertMeanReturn));
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

    // GAIL's default holds the radius for the first half of the budget: bit-identical to the constant run there.
    const byDefault = (await recordRun(base)).events.flatMap((e) => (e.type === 'metrics' ? [e.values] : []));
    expect(byDefault.map((v) => v.maxKl)).toEqual([0.02, 0.02, 0.02, 0.01]);
    for (const i of [0, 1, 2]) {
      expect(byDefault[i].kl).toBe(plainRows[i].kl);
      expect(byDefault[i].discriminatorLoss).toBe(plainRows[i].discriminatorLoss);
    }
  }, 60_000);

  it('anneal PPO\'s learning rate linearly to 0 with annealLr, the same schedule', async () => {
    const run = await recordRun({ kind: 'expert', algorithm: 'ppo', env, hiddenSizes: [8], totalSteps: 256, evalEvery: 0, checkpointEvery: 0, finalEvalEpisodes: 1, ppo: { stepsPerUpdate: 64, epochs: 1, minibatch: 32, annealLr: true } });
    const lrs = run.events.flatMap((e) => (e.type === 'metrics' ? [e.values.learningRate] : []));
    expect(lrs).toHaveLength(4);
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(3e-4 * (1 - i / 4), 15));
  }, 60_000);
});
