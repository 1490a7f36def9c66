/**
 * An ARS expert run end to end: it learns InvertedPendulum from θ = 0, its
 * linear policy file serves sampling like any other, and a run stopped at a
 * checkpoint resumes to the same numbers as one that never stopped.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/shared/progress';
import type { RunConfigInput } from '../../src/shared/runConfigs';
import type { PolicyFile } from '../../src/main/core/learn/policy';
import { RunInterrupted } from '../../src/main/core/runs/runContext';
import { recordRun, tempDir } from '../helpers/runs';

const config = {
  kind: 'expert',
  algorithm: 'ars',
  env: 'InvertedPendulum-v5',
  hiddenSizes: [],
  seed: 3,
  totalSteps: 20_000,
  evalEvery: 5,
  evalEpisodes: 3,
  checkpointEvery: 5,
  finalEvalEpisodes: 10,
  ars: { directions: 4, topDirections: 4 },
} satisfies RunConfigInput;

const metrics = (events: ProgressEvent[]) => events.flatMap((e) => (e.type === 'metrics' ? [e] : []));

describe('ARS expert run', () => {
  it('balances InvertedPendulum within 20,000 env steps and saves a linear, deterministic policy', async () => {
    const run = await recordRun(config);
    expect(run.summary.finalEval?.mean).toBe(1000);
    const rows = metrics(run.events);
    // Each iteration rolls out 2N episodes and reports the update's spread and size.
    expect(rows[0].values.episodesFinished).toBe(8);
    expect(rows[0].values.rewardStd).toBeGreaterThan(0);
    expect(rows[0].values.stepNorm).toBeGreaterThan(0);
    // Env steps are the episodes' steps, counted exactly.
    expect(rows.at(-1)!.envSteps).toBe(run.summary.envSteps);
    expect(run.summary.envSteps).toBeGreaterThanOrEqual(20_000);
    const policy = JSON.parse(readFileSync(join(run.dir, 'policy.json'), 'utf8')) as PolicyFile;
    expect(policy.hiddenSizes).toEqual([]);
    expect(policy.logStd).toEqual([-10]);
    // Sampled with its σ ≈ 5e-5 the expert is itself: stochastic data of it equals its deterministic return.
    const sample = await recordRun({ kind: 'sample', env: config.env, policy: run.dir, episodes: 3, seed: 1 });
    expect(sample.summary.details?.meanReturn).toBe(1000);
  }, 60_000);

  it('resumes from a checkpoint to the numbers of a run that never stopped', async () => {
    const whole = await recordRun(config);
    const dir = tempDir('ars-resume');
    const before: ProgressEvent[] = [];
    await expect(recordRun(config, dir, { stopAfterCheckpoint: 5, events: before })).rejects.toBeInstanceOf(RunInterrupted);
    expect(metrics(before).at(-1)!.iteration).toBe(5);
    const resumed = await recordRun(config, dir, { resume: true });
    const strip = (rows: ReturnType<typeof metrics>) => rows.map((r) => ({ ...r, values: { ...r.values, envStepsPerSec: 0 } }));
    expect(strip(metrics(resumed.events))).toEqual(strip(metrics(whole.events).filter((r) => r.iteration > 5)));
    expect(resumed.summary.finalEval).toEqual(whole.summary.finalEval);
    expect(readFileSync(join(dir, 'policy.json'), 'utf8')).toBe(readFileSync(join(whole.dir, 'policy.json'), 'utf8'));
  }, 60_000);
});
