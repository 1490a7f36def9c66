/**
 * Checkpoints make runs resumable with identical numbers: a run stopped after
 * a checkpoint and resumed ends exactly where an uninterrupted run ends. And a
 * run whose numbers stop being finite fails with a message naming the step and
 * the quantity, leaving its last good checkpoint usable.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/shared/progress';
import type { RunConfigInput } from '../../src/shared/runConfigs';
import { isTimingMetric, RunInterrupted } from '../../src/main/core/runs/runContext';
import { RunDirectory, loadDataset, saveDataset } from '../../src/main/core/runs/storage';
import { GaussianPolicy, type PolicyFile } from '../../src/main/core/learn/policy';
import { recordRun, tempDir, type RecordedRun } from '../helpers/runs';
import { backendReady } from '../helpers/tfBackend';

const env = 'InvertedPendulum-v5';

/** Learning metrics per iteration (timing metrics differ between identical runs by nature). */
function learningCurve(events: ProgressEvent[]): string[] {
  return events.flatMap((e) => {
    if (e.type !== 'metrics') return [];
    const values = Object.fromEntries(Object.entries(e.values).filter(([k]) => !isTimingMetric(k)));
    return [JSON.stringify({ iteration: e.iteration, envSteps: e.envSteps, values })];
  });
}

const evaluations = (events: ProgressEvent[]) => events.filter((e) => e.type === 'evaluation').map((e) => JSON.stringify(e));

async function interruptedThenResumed(config: RunConfigInput, stopAfter: number): Promise<{ first: ProgressEvent[]; resumed: RecordedRun }> {
  const dir = tempDir('resume');
  const first: ProgressEvent[] = [];
  let error: unknown;
  try {
    await recordRun(config, dir, { stopAfterCheckpoint: stopAfter, events: first });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RunInterrupted);
  const checkpoint = new RunDirectory(dir).latestCheckpoint<{ iteration: number }>();
  expect(checkpoint?.iteration).toBe(stopAfter);
  const resumed = await recordRun(config, dir, { resume: true });
  return { first, resumed };
}

describe('resuming from a checkpoint', () => {
  let datasetDir: string;

  beforeAll(async () => {
    await backendReady;
    const expert = await recordRun({ kind: 'expert', env, seed: 5, totalSteps: 20_000, evalEvery: 0, checkpointEvery: 0, finalEvalEpisodes: 2 });
    datasetDir = (await recordRun({ kind: 'sample', env, seed: 6, policy: expert.dir, episodes: 4 })).dir;
  }, 120_000);

  it.each([
    ['a PPO expert run', { kind: 'expert', env, algorithm: 'ppo', seed: 7, totalSteps: 8192, evalEvery: 3, checkpointEvery: 2, finalEvalEpisodes: 5, ppo: { stepsPerUpdate: 1024, minibatch: 128, epochs: 4 } }],
    ['a GAIL run (TRPO generator, discriminator, expert sampling)', { kind: 'gail', env, seed: 8, totalSteps: 18_432, trajectories: 4, evalEvery: 2, checkpointEvery: 2, finalEvalEpisodes: 5 }],
    [
      'a GAIL run with every stabiliser on (gradient penalty on interpolates, normalised D actions, NLL warm start with validation)',
      {
        kind: 'gail',
        env,
        seed: 10,
        totalSteps: 18_432,
        trajectories: 4,
        evalEvery: 2,
        checkpointEvery: 2,
        finalEvalEpisodes: 5,
        bcWarmStartIterations: 200,
        bcWarmStartLoss: 'nll',
        bcWarmStartValidation: 0.3,
        discriminator: { gradientPenalty: 10, normalizeActions: true },
      },
    ],
    ['a PPO expert run with reward scaling', { kind: 'expert', env, algorithm: 'ppo', seed: 11, totalSteps: 8192, evalEvery: 3, checkpointEvery: 2, finalEvalEpisodes: 5, ppo: { stepsPerUpdate: 1024, minibatch: 128, epochs: 4, normalizeRewards: true } }],
  ] as const)('reaches the same final numbers as an uninterrupted run: %s', async (_what, partial) => {
    const config = { ...partial, ...(partial.kind === 'gail' ? { dataset: datasetDir } : {}) } as RunConfigInput;
    const uninterrupted = await recordRun(config);
    const { first, resumed } = await interruptedThenResumed(config, 4);
    const started = resumed.events.find((e) => e.type === 'started');
    expect(started).toMatchObject({ resumedFrom: 4 });
    expect([...learningCurve(first), ...learningCurve(resumed.events)]).toEqual(learningCurve(uninterrupted.events));
    expect([...evaluations(first), ...evaluations(resumed.events)]).toEqual(evaluations(uninterrupted.events));
    expect(resumed.summary.finalEval).toEqual(uninterrupted.summary.finalEval);
    expect(resumed.summary.envSteps).toBe(uninterrupted.summary.envSteps);
    const policyOf = (r: RecordedRun) => (JSON.parse(readFileSync(join(r.dir, 'policy.json'), 'utf8')) as PolicyFile).params;
    expect(policyOf(resumed)).toBe(policyOf(uninterrupted));
  }, 240_000);

  it('fails a GAIL run whose discriminator loss is NaN, naming the quantity and the iteration', async () => {
    const d = loadDataset(datasetDir);
    d.trajectories[0].obs.fill(NaN);
    const dir = tempDir('nan-data');
    saveDataset(new RunDirectory(dir), d);
    // Without the warm start, whose BC would meet the NaNs first: this checks the discriminator's guard.
    await expect(recordRun({ kind: 'gail', env, seed: 9, dataset: dir, trajectories: 4, totalSteps: 6144, evalEvery: 0, bcWarmStartIterations: 0 })).rejects.toThrow(
      /Training diverged: discriminator loss at iteration 1 \(env step 3072\) is not finite/,
    );
    // With the default warm start its BC stops first, and says so.
    await expect(recordRun({ kind: 'gail', env, seed: 9, dataset: dir, trajectories: 4, totalSteps: 6144, evalEvery: 0 })).rejects.toThrow(/behavioral cloning (loss|gradient) is not finite/);
  }, 60_000);

  it('fails a BC run at the step where its loss turns NaN and keeps the last good checkpoint usable', async () => {
    const d = loadDataset(datasetDir);
    // One poisoned action among ~4000 pairs: minibatches hit it only after a while.
    d.trajectories[2].actions[123] = NaN;
    const dataDir = tempDir('nan-bc');
    saveDataset(new RunDirectory(dataDir), d);
    const runDir = tempDir('bc-nan-run');
    let message = '';
    try {
      await recordRun({ kind: 'bc', env, seed: 10, dataset: dataDir, trajectories: 4, iterations: 5000, checkpointEvery: 5, validateEvery: 5, evalEvery: 0 }, runDir);
    } catch (e) {
      message = (e as Error).message;
    }
    const m = /diverged at step (\d+): behavioral cloning (loss|gradient) is not finite/.exec(message);
    expect(m, message).not.toBeNull();
    const failedAt = Number(m![1]);
    const last = new RunDirectory(runDir).latestCheckpoint<{ policy: PolicyFile }>();
    expect(last).not.toBeNull();
    expect(last!.iteration).toBeLessThan(failedAt);
    const restored = GaussianPolicy.fromFile(last!.state.policy);
    expect(Array.from(restored.params).every(Number.isFinite)).toBe(true);
  }, 60_000);
});
