/**
 * Summarises GAIL screening arms, each a data folder whose queue ran GAIL
 * runs on the same expert data: per run the final deterministic return, the
 * mean of its last 5 periodic evaluations, the best evaluation and the health
 * check (gailHealth, recomputed from the stored metrics, so folders written
 * before the check existed are judged the same way); per arm and k the count
 * of finished runs, mean ± population std of the final return, how many reach
 * 90% of the expert, how many the check flags, and the median env steps at
 * which a run's periodic evaluation first reached 90% of the expert.
 *   npm run bench:screen -- --arm NAME=DATA_FOLDER[#SWEEP] [--arm …] --expert 3231.6 [--steps 1000000] [--kind gail|bc] [--json]
 * (#SWEEP takes one sweep's runs of a folder whose queue ran several arms.)
 * (--kind bc summarises BC runs the same way; their health check never fires.)
 * Cancelled runs are left out. Read-only: it can run while the folders'
 * coordinators are still working.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GAIL_HEALTH_METRICS, gailHealth, healthPoints } from '../src/main/core/learn/gailHealth';
import { Store } from '../src/main/core/store/store';
import { LAST_EVALUATIONS } from '../src/shared/results';
import { machineInfo } from './machine';

const { values } = parseArgs({
  options: {
    arm: { type: 'string', multiple: true, default: [] },
    expert: { type: 'string' },
    steps: { type: 'string' },
    kind: { type: 'string', default: 'gail' },
    json: { type: 'boolean' },
  },
});
if (!values.expert || values.arm!.length === 0) {
  process.stderr.write('usage: bench:screen -- --arm NAME=DATA_FOLDER[#SWEEP] [--arm …] --expert <expert deterministic return> [--steps N]\n');
  process.exit(2);
}
const expert = Number(values.expert);
const maxSteps = values.steps ? Number(values.steps) : Infinity;

interface RunLine {
  id: number;
  k: number;
  seed: number;
  status: string;
  envSteps: number;
  final: number | null;
  lastEvals: number | null;
  maxEval: number | null;
  /** Env steps of the first periodic evaluation at ≥ 90% of the expert, if any. */
  stepsTo90: number | null;
  flagged: boolean;
  flaggedSince: number | null;
}

const meanStd = (xs: number[]) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean: m, std: Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length) };
};

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? null : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const arms = values.arm!.map((spec) => {
  const cut = spec.indexOf('=');
  const name = spec.slice(0, cut);
  const [folder, sweep] = spec.slice(cut + 1).split('#');
  const store = new Store(join(folder, 'imlab.db'), { readonly: true });
  try {
    const runs: RunLine[] = store
      .listRuns({ limit: 10_000, ...(sweep ? { sweepId: Number(sweep) } : {}) })
      // A cancelled run is one the user took out of the arm, not a measurement of it.
      .filter((r) => r.kind === values.kind && r.status !== 'cancelled')
      .map((r) => {
        const evals = store.getRunDetail(r.id)!.evaluations.filter((e) => e.mode === 'deterministic' && e.envSteps <= maxSteps);
        const periodic = evals.filter((e) => !e.final);
        const late = periodic.slice(-LAST_EVALUATIONS).map((e) => e.mean);
        const series = store.getMetrics(r.id, [...GAIL_HEALTH_METRICS], { raw: true });
        const points = healthPoints(series).filter((p) => p.envSteps <= maxSteps);
        const health = gailHealth(points);
        return {
          id: r.id,
          k: r.trajectories ?? 0,
          seed: r.seed,
          status: r.status,
          envSteps: r.envSteps,
          final: evals.find((e) => e.final)?.mean ?? null,
          lastEvals: late.length ? late.reduce((a, b) => a + b, 0) / late.length : null,
          maxEval: periodic.length ? Math.max(...periodic.map((e) => e.mean)) : null,
          stepsTo90: periodic.find((e) => e.mean >= 0.9 * expert)?.envSteps ?? null,
          flagged: health !== null,
          flaggedSince: health?.sinceEnvSteps ?? null,
        };
      })
      .sort((a, b) => a.k - b.k || a.seed - b.seed);
    const cells = [...new Set(runs.map((r) => r.k))].map((k) => {
      const done = runs.filter((r) => r.k === k && r.final !== null);
      const finals = done.map((r) => r.final!);
      const s = finals.length ? meanStd(finals) : null;
      return {
        k,
        runs: runs.filter((r) => r.k === k).length,
        finished: done.length,
        mean: s?.mean ?? null,
        std: s?.std ?? null,
        reach90: finals.filter((f) => f >= 0.9 * expert).length,
        flagged: done.filter((r) => r.flagged).length,
        medianStepsTo90: median(done.flatMap((r) => (r.stepsTo90 === null ? [] : [r.stepsTo90]))),
      };
    });
    return { name, runs, cells };
  } finally {
    store.close();
  }
});

if (values.json) {
  process.stdout.write(`${JSON.stringify({ machine: machineInfo(), expert, arms })}\n`);
} else {
  const f = (x: number | null) => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));
  for (const a of arms) {
    console.log(`\n${a.name}`);
    for (const r of a.runs) {
      const flag = r.flagged ? `  FLAGGED since ${f(r.flaggedSince)}` : '';
      console.log(`  k=${r.k} s=${r.seed} ${r.status.padEnd(11)} ${f(r.envSteps).padStart(9)} steps  final ${f(r.final).padStart(6)}  last-${LAST_EVALUATIONS} ${f(r.lastEvals).padStart(6)}  best ${f(r.maxEval).padStart(6)}  90% at ${f(r.stepsTo90).padStart(9)}${flag}`);
    }
    for (const c of a.cells) {
      console.log(`  k=${c.k}: ${c.finished}/${c.runs} finished, final ${f(c.mean)} ± ${f(c.std)}, ≥ 90% of expert ${c.reach90}/${c.finished}, flagged ${c.flagged}/${c.finished}, median steps to 90% ${f(c.medianStepsTo90)}`);
    }
  }
}
