/**
 * The results table from the database: for each env × method × k, the final
 * deterministic return of the succeeded runs, mean ± std over seeds, with the
 * expert (the return of the expert data the runs imitated, over its
 * trajectories) and a random policy as reference rows, and the normalised
 * score between them. Runs that differ in more than the seed get a cell per
 * configuration (configVariants.ts), never one average.
 */
import { LAST_EVALUATIONS, type ResultsRow, type ResultsTable } from '../../../shared/results';
import { parseRef } from '../../../shared/refs';
import type { ImitationRunRow, Store } from '../store/store';
import { configKey, variantLabels } from './configVariants';

function meanStd(xs: number[]): { mean: number; std: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length) };
}

/** Mean ± population std over the trajectories of one or more datasets, from each dataset's own n, mean and std. */
export function pooledReturns(parts: { n: number; mean: number; std: number }[]): { n: number; mean: number; std: number } | null {
  const n = parts.reduce((a, p) => a + p.n, 0);
  if (n === 0) return null;
  const mean = parts.reduce((a, p) => a + p.n * p.mean, 0) / n;
  const variance = parts.reduce((a, p) => a + p.n * (p.std ** 2 + (p.mean - mean) ** 2), 0) / n;
  return { n, mean, std: Math.sqrt(variance) };
}

export async function resultsTable(
  store: Store,
  randomReturn: (env: string) => Promise<{ mean: number; std: number; episodes: number }>,
  sweepId?: number,
): Promise<ResultsTable> {
  const runs = store.succeededImitationRuns(sweepId);
  const lastEvals = store.lastEvaluationMeans(runs.map((r) => r.id), LAST_EVALUATIONS);
  const expertByEnv = new Map<string, Map<number, { n: number; mean: number; std: number }>>();
  /** Each run's config with its dataset reference resolved, so run:<id> and dataset:<id> of the same data compare equal. */
  const configs = new Map<number, Record<string, unknown>>();
  for (const r of runs) {
    const config = JSON.parse(r.config) as Record<string, unknown>;
    const ref = parseRef(typeof config.dataset === 'string' ? config.dataset : undefined);
    const dsId = ref?.kind === 'dataset' ? ref.id : ref?.kind === 'run' ? store.datasetBySourceRun(ref.id) : null;
    configs.set(r.id, dsId === null ? config : { ...config, dataset: `dataset:${dsId}` });
    if (dsId === null) continue;
    const data = expertByEnv.get(r.env) ?? new Map<number, { n: number; mean: number; std: number }>();
    if (!data.has(dsId)) {
      const d = store.getDatasetRow(dsId);
      if (d) data.set(dsId, { n: d.trajectories, mean: d.meanReturn, std: d.stdReturn });
    }
    expertByEnv.set(r.env, data);
  }

  const rows: ResultsRow[] = [];
  const envs = [...new Set(runs.map((r) => r.env))];
  for (const env of envs) {
    const random = await randomReturn(env);
    const expert = pooledReturns([...(expertByEnv.get(env)?.values() ?? [])]);
    const normalize = (x: number) => (expert && expert.mean !== random.mean ? (x - random.mean) / (expert.mean - random.mean) : null);
    if (expert) rows.push({ env, method: 'expert', trajectories: null, mean: expert.mean, std: expert.std, seeds: expert.n, normalized: 1, runIds: [] });
    rows.push({ env, method: 'random', trajectories: null, mean: random.mean, std: random.std, seeds: 1, normalized: 0, runIds: [] });
    const mine = runs.filter((x) => x.env === env);
    const variants = new Map<string, Map<string, string>>();
    for (const kind of new Set(mine.map((r) => r.kind))) variants.set(kind, variantLabels(mine.filter((r) => r.kind === kind).map((r) => configs.get(r.id)!)));
    const groups = new Map<string, ImitationRunRow[]>();
    for (const r of mine) {
      const key = JSON.stringify([r.kind, r.trajectories, configKey(configs.get(r.id)!)]);
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const [key, group] of groups) {
      const [method, k, config] = JSON.parse(key) as [string, number, string];
      const variant = variants.get(method)!.get(config);
      const s = meanStd(group.map((g) => g.final_mean));
      const late = group.map((g) => lastEvals.get(g.id)).filter((x): x is number => x !== undefined);
      const l = late.length ? meanStd(late) : null;
      rows.push({
        env,
        method,
        trajectories: k,
        ...(variant !== undefined && { variant }),
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
