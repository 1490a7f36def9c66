/**
 * What a sweep will cost before it is queued: its expanded runs, their
 * dependencies, env steps, and time at the rates this machine measured for
 * finished runs of the same env, kind and method (an ARS expert runs at
 * several times TRPO's speed). Wall time simulates the queue:
 * runs start in order when their dependencies are done, up to the
 * concurrency.
 */
import type { RateEstimate, SweepPreview, SweepPreviewRun } from '../../../shared/configSchemas';
import { ENV_SPECS, type EnvId } from '../../../shared/envCatalog';
import { runThreads, type RunConfig, type RunKind } from '../../../shared/runConfigs';
import type { RunRow } from '../../../shared/runs';
import type { SweepSpec } from '../../../shared/sweeps';
import type { NewRun } from '../store/store';
import { expandSweep } from './sweepExpansion';

/**
 * Bare env steps/s measured by `npm run bench:sim` (README, "Measured
 * 2026-11-25", one core, random actions). Used only until this machine has
 * finished a run of that env and kind.
 */
const BARE_ENV_STEPS_PER_SEC: Record<EnvId, number> = {
  'InvertedPendulum-v5': 77_081,
  'Hopper-v5': 14_068,
  'Walker2d-v5': 9_304,
  'HalfCheetah-v5': 30_475,
  'Ant-v5': 4_388,
  'Humanoid-v5': 4_056,
  'HumanoidStandup-v5': 2_112,
};
/** GAIL/TRPO env steps/s over the bare env's, measured by bench:throughput (README: 0.60 with the schema's default Fisher products). */
const LEARNING_SHARE = 0.6;

/** The progress a run reports in the unit its rate is counted in. */
function unitOf(kind: RunKind): RateEstimate['unit'] {
  return kind === 'bc' ? 'iterations' : 'env steps';
}

function doneUnits(run: RunRow): number {
  return run.kind === 'bc' ? run.iteration : run.envSteps;
}

/** Work a run will do, in its unit, and the env steps it will take. */
function budgetOf(config: RunConfig): { units: number; envSteps: number } {
  switch (config.kind) {
    case 'expert':
    case 'gail':
      return { units: config.totalSteps, envSteps: config.totalSteps };
    case 'sample': {
      const steps = config.episodes * ENV_SPECS[config.env].maxEpisodeSteps;
      return { units: steps, envSteps: steps };
    }
    case 'eval': {
      const steps = config.episodes * (config.mode === 'both' ? 2 : 1) * ENV_SPECS[config.env].maxEpisodeSteps;
      return { units: steps, envSteps: steps };
    }
    case 'bc':
      return { units: config.iterations, envSteps: 0 };
  }
}

const rateKey = (r: { env: string; kind: RunKind; method: string }) => `${r.env}|${r.kind}|${r.method}`;

/** Rates per env, kind and method from finished runs: total progress over total run time. */
export function measuredRates(finished: RunRow[]): Map<string, RateEstimate> {
  const sums = new Map<string, { env: EnvId; kind: RunKind; method: string; units: number; seconds: number; runs: number }>();
  for (const r of finished) {
    if (r.status !== 'succeeded' || r.startedAt === null || r.finishedAt === null || r.finishedAt <= r.startedAt) continue;
    const units = doneUnits(r);
    if (units <= 0) continue;
    const key = rateKey(r);
    const s = sums.get(key) ?? { env: r.env, kind: r.kind, method: r.method, units: 0, seconds: 0, runs: 0 };
    s.units += units;
    s.seconds += (r.finishedAt - r.startedAt) / 1000;
    s.runs += 1;
    sums.set(key, s);
  }
  const rates = new Map<string, RateEstimate>();
  for (const [key, s] of sums) rates.set(key, { env: s.env, kind: s.kind, method: s.method, unit: unitOf(s.kind), perSecond: s.units / s.seconds, source: 'measured', runs: s.runs });
  return rates;
}

function referenceRate(env: EnvId, kind: RunKind, config: RunConfig): RateEstimate | null {
  const bare = BARE_ENV_STEPS_PER_SEC[env];
  const method = config.kind === 'expert' ? config.algorithm : kind;
  const rate = (perSecond: number): RateEstimate => ({ env, kind, method, unit: 'env steps', perSecond, source: 'reference', runs: 0 });
  // ARS is physics and a linear policy (its profile: 88% MuJoCo), on each of its threads.
  if (config.kind === 'expert' && config.algorithm === 'ars') return rate(bare * config.ars.workers);
  if (kind === 'expert' || kind === 'gail') return rate(bare * LEARNING_SHARE);
  // Sampling and evaluation are physics plus one policy forward per step (2% of GAIL's time in the profile).
  if (kind === 'sample' || kind === 'eval') return rate(bare);
  return null;
}

/**
 * Earliest finish of every run when each starts, in order, once its
 * dependencies are done and its slots (threads; 1 unless given) fit in
 * `concurrency`, as the queue schedules: a run that waits for slots holds
 * back the runs behind it, and one wider than the limit runs alone.
 */
export function simulateWallTime(durations: number[], dependsOn: number[][], concurrency: number, slots: number[] = durations.map(() => 1)): number {
  const finish = new Array<number>(durations.length).fill(Infinity);
  const started = new Array<boolean>(durations.length).fill(false);
  let running: number[] = [];
  let now = 0;
  let left = durations.length;
  while (left > 0) {
    let used = running.reduce((a, i) => a + slots[i], 0);
    for (let i = 0; i < durations.length && used < concurrency; i++) {
      if (started[i] || !dependsOn[i].every((d) => finish[d] <= now)) continue;
      if (used > 0 && used + slots[i] > concurrency) break;
      started[i] = true;
      finish[i] = now + durations[i];
      running.push(i);
      used += slots[i];
    }
    if (running.length === 0) break;
    now = Math.min(...running.map((i) => finish[i]));
    const done = running.filter((i) => finish[i] <= now);
    left -= done.length;
    running = running.filter((i) => finish[i] > now);
  }
  return now;
}

export function previewSweep(spec: SweepSpec, finishedRuns: RunRow[], concurrency: number): SweepPreview {
  const runs: NewRun[] = expandSweep(spec, null);
  const measured = measuredRates(finishedRuns);
  const used = new Map<string, RateEstimate>();
  const preview: SweepPreviewRun[] = runs.map((r, index) => {
    const key = rateKey(r);
    const rate = measured.get(key) ?? referenceRate(r.env, r.kind, r.config as RunConfig);
    if (rate) used.set(key, rate);
    const budget = budgetOf(r.config as RunConfig);
    return {
      index,
      name: r.name,
      kind: r.kind,
      env: r.env,
      method: r.method,
      trajectories: r.trajectories,
      seed: r.seed,
      dependsOn: (r.dependsOn ?? []).filter((d): d is number => typeof d === 'number'),
      envSteps: budget.envSteps,
      seconds: rate ? budget.units / rate.perSecond : null,
    };
  });
  const durations = preview.map((r) => r.seconds ?? 0);
  return {
    name: spec.name,
    runs: preview,
    envSteps: preview.reduce((a, r) => a + r.envSteps, 0),
    serialSeconds: durations.reduce((a, b) => a + b, 0),
    wallSeconds: simulateWallTime(
      durations,
      preview.map((r) => r.dependsOn),
      concurrency,
      runs.map((r) => runThreads(r.config as RunConfig)),
    ),
    concurrency,
    unestimated: preview.filter((r) => r.seconds === null).length,
    rates: [...used.values()],
  };
}
