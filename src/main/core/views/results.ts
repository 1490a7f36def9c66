/**
 * The results table from the database: for each env × method × k, the final
 * deterministic return of the succeeded runs, mean ± std over seeds, with the
 * expert (the mean return of the expert data the runs imitated) and a random
 * policy as reference rows, and the normalised score between them.
 */
import { LAST_EVALUATIONS, type ResultsRow, type ResultsTable } from '../../../shared/results';
import { parseRef } from '../../../shared/refs';
import type { ImitationRunRow, Store } from '../store/store';

function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length) };
}

export async function resultsTable(
  store: Store,
  randomReturn: (env: string) => Promise<{ mean: number; std: number; episodes: number }>,
  sweepId?: number,
): Promise<ResultsTable> {
  const runs = store.succeededImitationRuns(sweepId);
  const lastEvals = store.lastEvaluationMeans(runs.map((r) => r.id), LAST_EVALUATIONS);
  const expertByEnv = new Map<string, { returns: number[]; datasets: Set<number> }>();
  for (const r of runs) {
    const ref = parseRef((JSON.parse(r.config) as { dataset?: string }).dataset);
    const dsId = ref?.kind === 'dataset' ? ref.id : ref?.kind === 'run' ? store.datasetBySourceRun(ref.id) : null;
    if (dsId === null) continue;
    const e = expertByEnv.get(r.env) ?? { returns: [], datasets: new Set<number>() };
    if (!e.datasets.has(dsId)) {
      e.datasets.add(dsId);
      const d = store.getDatasetRow(dsId);
      if (d) e.returns.push(d.meanReturn);
    }
    expertByEnv.set(r.env, e);
  }

  const rows: ResultsRow[] = [];
  const envs = [...new Set(runs.map((r) => r.env))];
  for (const env of envs) {
    const random = await randomReturn(env);
    const expertData = expertByEnv.get(env);
    const expert = expertData && expertData.returns.length ? meanStd(expertData.returns) : null;
    const normalize = (x: number) => (expert && expert.mean !== random.mean ? (x - random.mean) / (expert.mean - random.mean) : null);
    if (expert) rows.push({ env, method: 'expert', trajectories: null, mean: expert.mean, std: expert.std, seeds: expertData!.returns.length, normalized: 1, runIds: [] });
    rows.push({ env, method: 'random', trajectories: null, mean: random.mean, std: random.std, seeds: 1, normalized: 0, runIds: [] });
    const groups = new Map<string, ImitationRunRow[]>();
    for (const r of runs.filter((x) => x.env === env)) {
      const key = `${r.kind}|${r.trajectories}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, group] of groups) {
      const [method, k] = key.split('|');
      const s = meanStd(group.map((g) => g.final_mean));
      const late = group.map((g) => lastEvals.get(g.id)).filter((x): x is number => x !== undefined);
      const l = late.length ? meanStd(late) : null;
      rows.push({
        env,
        method,
        trajectories: Number(k),
        mean: s.mean,
        std: s.std,
        seeds: group.length,
        normalized: normalize(s.mean),
        runIds: group.map((g) => g.id),
        lastEvalsMean: l?.mean ?? null,
        lastEvalsStd: l?.std ?? null,
        flagged: group.filter((g) => g.health !== null).length,
      });
    }
  }
  return { rows };
}
