import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProgressEvent, RunSummary } from '../../src/shared/progress';
import type { RunConfigInput } from '../../src/shared/runConfigs';
import { runJob } from '../../src/main/core/runs/runJob';
import type { EnvId } from '../../src/shared/envCatalog';
import { evaluatePolicy } from '../../src/main/core/learn/evaluate';
import { GaussianPolicy } from '../../src/main/core/learn/policy';
import { Rng } from '../../src/main/core/math/rng';
import { RunDirectory, saveDataset } from '../../src/main/core/runs/storage';
import { SimModel } from '../../src/main/core/sim/simModel';

export interface RecordedRun {
  dir: string;
  events: ProgressEvent[];
  summary: RunSummary;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `imlab-${prefix}-`));
}

/** Runs a job in-process, recording every progress event. */
export async function recordRun(
  config: RunConfigInput,
  dir = tempDir(config.kind),
  options: { resume?: boolean; stopAfterCheckpoint?: number; events?: ProgressEvent[] } = {},
): Promise<RecordedRun> {
  // Events land in the caller's array when given, so they survive a run that throws.
  const events: ProgressEvent[] = options.events ?? [];
  const controller = new AbortController();
  const summary = await runJob(config, {
    storage: new RunDirectory(dir),
    resume: options.resume,
    signal: controller.signal,
    sink: {
      emit(e) {
        events.push(e);
        if (options.stopAfterCheckpoint !== undefined && e.type === 'checkpoint' && e.iteration >= options.stopAfterCheckpoint) controller.abort();
      },
    },
  });
  return { dir, events, summary };
}

/**
 * A dataset folder of `episodes` recorded episodes of a random 1 × 8 policy
 * (for runs that need expert data of the right shape, not good data).
 */
export async function randomPolicyDataset(env: EnvId, episodes: number, seed: number): Promise<string> {
  const sim = await SimModel.load(env);
  const s = sim.spec;
  const policy = new GaussianPolicy({ env, obsDim: s.obsDim, actDim: s.actDim, hiddenSizes: [8], actLow: s.actLow, actHigh: s.actHigh }, undefined, new Rng(seed));
  const ev = evaluatePolicy(sim, policy, { episodes, deterministic: false, seed, record: true });
  sim.dispose();
  const dir = tempDir('random-data');
  saveDataset(new RunDirectory(dir), { env, obsDim: s.obsDim, actDim: s.actDim, nq: 0, nv: 0, source: { policy: 'random' }, trajectories: ev.trajectories });
  return dir;
}
