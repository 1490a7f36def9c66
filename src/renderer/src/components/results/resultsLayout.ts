/**
 * The results rows (one per env × method × k) pivoted into the paper's
 * layout: per environment its expert and random references and one line per
 * k with a cell per imitation method.
 */
import type { ResultsRow } from '../../../../shared/results';

export interface EnvResults {
  env: string;
  expert: ResultsRow | null;
  random: ResultsRow | null;
  methods: string[];
  lines: { k: number; cells: Record<string, ResultsRow | undefined> }[];
}

const REFERENCES = new Set(['expert', 'random']);

export function pivotResults(rows: ResultsRow[]): EnvResults[] {
  const envs = [...new Set(rows.map((r) => r.env))];
  return envs.map((env) => {
    const mine = rows.filter((r) => r.env === env);
    const imitation = mine.filter((r) => !REFERENCES.has(r.method) && r.trajectories !== null);
    const methods = [...new Set(imitation.map((r) => r.method))].sort();
    const ks = [...new Set(imitation.map((r) => r.trajectories!))].sort((a, b) => a - b);
    return {
      env,
      expert: mine.find((r) => r.method === 'expert') ?? null,
      random: mine.find((r) => r.method === 'random') ?? null,
      methods,
      lines: ks.map((k) => ({ k, cells: Object.fromEntries(methods.map((m) => [m, imitation.find((r) => r.method === m && r.trajectories === k)])) })),
    };
  });
}

/** Where a cell leads: the run itself, or its seeds side by side. */
export function runsLink(runIds: number[]): { path: string; query: Record<string, string> } | null {
  if (runIds.length === 0) return null;
  if (runIds.length === 1) return { path: `/runs/${runIds[0]}`, query: {} };
  return { path: '/compare', query: { ids: runIds.join(',') } };
}
