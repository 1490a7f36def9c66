/**
 * Expands a sweep spec into runs with readable names and dependencies:
 * expert → sample → {BC, GAIL} × k × seed per environment. References to runs
 * of the same batch are written "run:#<index>" and become "run:<id>" on insert.
 */
import { ImlabError } from '../../../shared/errors';
import { isImlabError } from '../../../shared/errors';
import type { RunConfig } from '../../../shared/runConfigs';
import { MAX_SWEEP_RUNS, type SweepSpec } from '../../../shared/sweeps';
import { parseRunConfig } from '../runs/runJob';
import type { NewRun } from '../store/store';

export function expandSweep(spec: SweepSpec, sweepId: number | null): NewRun[] {
  const perEnv = (spec.dataset ? 0 : 2) + spec.methods.length * spec.trajectories.length * spec.seeds.length;
  const total = perEnv * spec.envs.length;
  if (total > MAX_SWEEP_RUNS) {
    throw new ImlabError('invalid_input', `The sweep expands to ${total} runs; at most ${MAX_SWEEP_RUNS} are allowed. Use fewer seeds, trajectories or environments.`, 'seeds');
  }
  const runs: NewRun[] = [];
  const validated = (config: Record<string, unknown>, section: string): RunConfig => {
    try {
      return parseRunConfig(config);
    } catch (e) {
      if (isImlabError(e)) throw new ImlabError('invalid_input', `sweep ${section}: ${e.message.replace(/^config: /, '')}`, `${section}.${e.field ?? ''}`.replace(/\.$/, ''));
      throw e;
    }
  };
  for (const env of spec.envs) {
    let datasetRef = spec.dataset;
    let sampleIndex: number | null = null;
    if (!datasetRef) {
      const own = spec.expertByEnv?.[env];
      const expert = validated({ ...(own ?? spec.expert), kind: 'expert', env }, own ? `expertByEnv.${env}` : 'expert');
      const expertIndex = runs.length;
      runs.push({ name: `expert·${env}·s=${expert.seed}`, kind: 'expert', env, method: expert.kind === 'expert' ? expert.algorithm : 'expert', trajectories: null, seed: expert.seed, config: expert, sweepId, priority: spec.priority });
      sampleIndex = runs.length;
      const sample = validated({ kind: 'sample', env, policy: `run:#${expertIndex}`, ...spec.sample }, 'sample');
      runs.push({ name: `sample·${env}·n=${spec.sample.episodes}`, kind: 'sample', env, method: 'sample', trajectories: null, seed: spec.sample.seed, config: sample, sweepId, priority: spec.priority, dependsOn: [expertIndex] });
      datasetRef = `run:#${sampleIndex}`;
    }
    for (const method of spec.methods) {
      for (const k of spec.trajectories) {
        for (const seed of spec.seeds) {
          const config = validated({ ...spec[method], kind: method, env, dataset: datasetRef, trajectories: k, seed }, method);
          runs.push({
            name: `${method}·${env}·k=${k}·s=${seed}`,
            kind: method,
            env,
            method,
            trajectories: k,
            seed,
            config,
            sweepId,
            priority: spec.priority,
            dependsOn: sampleIndex === null ? [] : [sampleIndex],
          });
        }
      }
    }
  }
  return runs;
}
