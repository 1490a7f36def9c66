/**
 * An ARS expert run end to end: it learns InvertedPendulum from θ = 0, its
 * linear policy file serves sampling like any other, a run stopped at a
 * checkpoint resumes to the same numbers as one that never stopped, and
 * rollouts spread over worker threads change nothing but the time.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/shared/progress';
import type { RunConfigInput } from '../../src/shared/runConfigs';
import type { PolicyFile } from '../../src/main/core/learn/policy';
import { RunInterrupted } from '../../src/main/core/runs/runContext';
import { runJob } from '../../src/main/core/runs/runJob';
import { RunDirectory } from '../../src/main/core/runs/storage';
import { runCli } from '../helpers/cli';
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

  it('gives the same numbers on three threads as on one, from source and from the built app', async () => {
    const one = await recordRun(config);
    const three = await recordRun({ ...config, ars: { ...config.ars, workers: 3 } });
    expect(three.summary.details?.workers).toBe(3);
    const strip = (rows: ReturnType<typeof metrics>) => rows.map((r) => ({ ...r, values: { ...r.values, envStepsPerSec: 0 } }));
    expect(strip(metrics(three.events))).toEqual(strip(metrics(one.events)));
    expect(readFileSync(join(three.dir, 'policy.json'), 'utf8')).toBe(readFileSync(join(one.dir, 'policy.json'), 'utf8'));

    // The queue runs it in the built run process (out/main), where the workers start from the bundled chunk.
    const home = tempDir('ars-queue');
    const file = join(home, 'ars.json');
    writeFileSync(file, JSON.stringify({ ...config, ars: { ...config.ars, workers: 2 } }));
    const queued = runCli(['queue', '--config', file, '--wait', '--home', home, '--json']);
    expect(queued.status, queued.stderr).toBe(0);
    const shown = JSON.parse(runCli(['show', '1', '--home', home, '--json']).stdout) as { status: string; finalMean: number; summary: { details: { workers: number } } };
    expect(shown).toMatchObject({ status: 'succeeded', finalMean: one.summary.finalEval!.mean, summary: { details: { workers: 2 } } });
  }, 120_000);

  it('stops within an episode when asked mid-iteration, and the resumed run is the run that never stopped', async () => {
    // An iteration of 300 falling Humanoid episodes (~7,500 steps) lasts seconds; the stop lands inside the first.
    const humanoid = {
      kind: 'expert',
      algorithm: 'ars',
      env: 'Humanoid-v5',
      hiddenSizes: [],
      seed: 1,
      totalSteps: 12_000,
      evalEvery: 0,
      checkpointEvery: 100,
      finalEvalEpisodes: 2,
      ars: { directions: 150, topDirections: 75, noiseStd: 0.0075, rewardShift: 5, workers: 2 },
    } satisfies RunConfigInput;
    const whole = await recordRun(humanoid);
    const dir = tempDir('ars-stop');
    const controller = new AbortController();
    const events: ProgressEvent[] = [];
    const asked = { at: 0 };
    const stopped = runJob(humanoid, {
      storage: new RunDirectory(dir),
      signal: controller.signal,
      sink: {
        emit(e) {
          events.push(e);
          if (e.type === 'started') setTimeout(() => ((asked.at = performance.now()), controller.abort()), 150);
        },
      },
    });
    await expect(stopped).rejects.toBeInstanceOf(RunInterrupted);
    // One falling Humanoid episode is well under a second; a whole iteration would be several of them.
    expect(performance.now() - asked.at).toBeLessThan(1_000);
    // Stopped inside iteration 1: no iteration finished, and the checkpoint is the state it started from.
    expect(metrics(events)).toHaveLength(0);
    expect(events.filter((e) => e.type === 'checkpoint')).toMatchObject([{ iteration: 0, envSteps: 0 }]);
    expect(metrics(whole.events).length).toBeGreaterThanOrEqual(2);
    const resumed = await recordRun(humanoid, dir, { resume: true });
    const strip = (rows: ReturnType<typeof metrics>) => rows.map((r) => ({ ...r, values: { ...r.values, envStepsPerSec: 0 } }));
    const doneBefore = metrics(events).length;
    expect(strip(metrics(resumed.events))).toEqual(strip(metrics(whole.events)).slice(doneBefore));
    expect(resumed.summary.finalEval).toEqual(whole.summary.finalEval);
    expect(readFileSync(join(dir, 'policy.json'), 'utf8')).toBe(readFileSync(join(whole.dir, 'policy.json'), 'utf8'));
  }, 120_000);
});
