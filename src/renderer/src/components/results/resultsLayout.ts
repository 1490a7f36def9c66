/**
 * The results rows (one per env × method × configuration × k) pivoted into the
 * paper's layout: per environment its expert and random references and one
 * line per k with a cell per column — an imitation method, or one
 * configuration of it when its runs differ in more than the seed.
 */
import type { ResultsRow } from '../../../../shared/results';

export interface ResultsColumn {
  /** The method alone when it has one configuration, else method and variant. */
  key: string;
  method: string;
  variant?: string;
}

export interface EnvResults {
  env: string;
  expert: ResultsRow | null;
  random: ResultsRow | null;
  columns: ResultsColumn[];
  lines: { k: number; cells: Record<string, ResultsRow | undefined> }[];
}

const REFERENCES = new Set(['expert', 'random']);

export const columnOf = (r: ResultsRow): ResultsColumn =>
  r.variant === undefined ? { key: r.method, method: r.method } : { key: `${r.method} · ${r.variant}`, method: r.method, variant: r.variant };

export const columnLabel = (c: ResultsColumn): string => (c.variant === undefined ? c.method.toUpperCase() : `${c.method.toUpperCase()} · ${c.variant}`);

/** Columns of several environments, once each, methods in order and each method's configurations in order. */
export function allColumns(envs: EnvResults[]): ResultsColumn[] {
  const byKey = new Map(envs.flatMap((e) => e.columns.map((c) => [c.key, c] as const)));
  return [...byKey.values()].sort((a, b) => a.method.localeCompare(b.method) || (a.variant ?? '').localeCompare(b.variant ?? ''));
}

export function pivotResults(rows: ResultsRow[]): EnvResults[] {
  const envs = [...new Set(rows.map((r) => r.env))];
  return envs.map((env) => {
    const mine = rows.filter((r) => r.env === env);
    const imitation = mine.filter((r) => !REFERENCES.has(r.method) && r.trajectories !== null);
    const columns = allColumns([{ env, expert: null, random: null, columns: imitation.map(columnOf), lines: [] }]);
    const ks = [...new Set(imitation.map((r) => r.trajectories!))].sort((a, b) => a - b);
    return {
      env,
      expert: mine.find((r) => r.method === 'expert') ?? null,
      random: mine.find((r) => r.method === 'random') ?? null,
      columns,
      lines: ks.map((k) => ({ k, cells: Object.fromEntries(columns.map((c) => [c.key, imitation.find((r) => columnOf(r).key === c.key && r.trajectories === k)])) })),
    };
  });
}

/** Where a cell leads: the run itself, or its seeds side by side. */
export function runsLink(runIds: number[]): { path: string; query: Record<string, string> } | null {
  if (runIds.length === 0) return null;
  if (runIds.length === 1) return { path: `/runs/${runIds[0]}`, query: {} };
  return { path: '/compare', query: { ids: runIds.join(',') } };
}
