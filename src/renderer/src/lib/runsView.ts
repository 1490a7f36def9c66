/**
 * The runs table's data logic, without the DOM: columns and how they sort,
 * filters and text search, live progress (steps/s measured from the events,
 * ETA), and range selection.
 */
import type { RunRow, RunStatus } from '../../../shared/runs';

export type SortKey =
  | 'id'
  | 'name'
  | 'sweep'
  | 'env'
  | 'method'
  | 'k'
  | 'seed'
  | 'status'
  | 'lastEval'
  | 'maxEval'
  | 'final'
  | 'envSteps'
  | 'stepsPerSec'
  | 'backend'
  | 'started'
  | 'duration';

export interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

export interface RunFilter {
  status: RunStatus | '';
  env: string;
  method: string;
  /** Sweep id as text ('' = any, 'none' = runs outside sweeps). */
  sweep: string;
  tag: string;
  text: string;
}

export const NO_FILTER: RunFilter = { status: '', env: '', method: '', sweep: '', tag: '', text: '' };

/** Live facts the rows do not carry: measured rate per run, and the clock. */
export interface LiveContext {
  now: number;
  rates: ReadonlyMap<number, number>;
  tags: ReadonlyMap<number, readonly string[]>;
}

export function duration(r: RunRow, now: number): number | null {
  if (r.startedAt === null) return null;
  return (r.finishedAt ?? (r.status === 'running' ? now : r.startedAt)) - r.startedAt;
}

/** Progress done in the target's unit. */
function done(r: RunRow): number {
  return r.target?.unit === 'iterations' ? r.iteration : r.envSteps;
}

/** Fraction of the budget done, 0..1; null when the run has no step budget. */
export function progress(r: RunRow): number | null {
  if (r.status === 'succeeded') return 1;
  if (!r.target || r.target.value <= 0) return null;
  return Math.min(1, done(r) / r.target.value);
}

/** Steps (of the target's unit) per second: measured live while running, the summary's once finished. */
export function rate(r: RunRow, live: LiveContext): number | null {
  if (r.status === 'running') return live.rates.get(r.id) ?? null;
  return r.stepsPerSec ?? null;
}

/** ms left at the measured rate, for a running run with a budget. */
export function eta(r: RunRow, live: LiveContext): number | null {
  const v = rate(r, live);
  if (r.status !== 'running' || !r.target || !v || v <= 0) return null;
  return (Math.max(0, r.target.value - done(r)) / v) * 1000;
}

const STATUS_ORDER: Record<RunStatus, number> = { running: 0, queued: 1, interrupted: 2, blocked: 3, failed: 4, cancelled: 5, succeeded: 6 };

function sortValue(r: RunRow, key: SortKey, live: LiveContext): number | string | null {
  switch (key) {
    case 'id':
      return r.id;
    case 'name':
      return r.name.toLowerCase();
    case 'sweep':
      return r.sweepId;
    case 'env':
      return r.env;
    case 'method':
      return r.method;
    case 'k':
      return r.trajectories;
    case 'seed':
      return r.seed;
    case 'status':
      return STATUS_ORDER[r.status];
    case 'lastEval':
      return r.lastEval;
    case 'maxEval':
      return r.maxEval;
    case 'final':
      return r.finalMean;
    case 'envSteps':
      return r.envSteps;
    case 'stepsPerSec':
      return rate(r, live);
    case 'backend':
      return r.backend;
    case 'started':
      return r.startedAt;
    case 'duration':
      return duration(r, live.now);
  }
}

/** Sorted copy; empty values (null) always last, ties by id descending (newest first). */
export function sortRuns(rows: readonly RunRow[], sort: Sort, live: LiveContext): RunRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  const keyed = rows.map((r) => ({ r, v: sortValue(r, sort.key, live) }));
  keyed.sort((a, b) => {
    if (a.v === null || b.v === null) return a.v === b.v ? b.r.id - a.r.id : a.v === null ? 1 : -1;
    if (a.v < b.v) return -sign;
    if (a.v > b.v) return sign;
    return b.r.id - a.r.id;
  });
  return keyed.map((k) => k.r);
}

export function filterRuns(rows: readonly RunRow[], f: RunFilter, live: Pick<LiveContext, 'tags'>): RunRow[] {
  const words = f.text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter((r) => {
    if (f.status && r.status !== f.status) return false;
    if (f.env && r.env !== f.env) return false;
    if (f.method && r.method !== f.method) return false;
    if (f.sweep === 'none' ? r.sweepId !== null : f.sweep && String(r.sweepId) !== f.sweep) return false;
    const tags = live.tags.get(r.id) ?? [];
    if (f.tag && !tags.includes(f.tag)) return false;
    if (words.length) {
      const hay = `${r.id} ${r.name} ${r.env} ${r.method} ${r.status} ${r.backend ?? ''} ${tags.join(' ')}`.toLowerCase();
      if (!words.every((w) => hay.includes(w))) return false;
    }
    return true;
  });
}

/** Distinct values of a field, sorted, for the filter menus. */
export function distinct<T extends string | number>(rows: readonly RunRow[], pick: (r: RunRow) => T | null): T[] {
  const s = new Set<T>();
  for (const r of rows) {
    const v = pick(r);
    if (v !== null) s.add(v);
  }
  return [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Steps/s of running runs measured from the metricsAppended events: the rate
 * over a sliding window of the last reports (resets when a run restarts).
 */
export class RateMeter {
  private readonly seen = new Map<number, { t: number; steps: number }[]>();

  constructor(private readonly window = 8) {}

  report(runId: number, steps: number, t: number): void {
    const list = this.seen.get(runId) ?? [];
    if (list.length && steps < list[list.length - 1].steps) list.length = 0;
    list.push({ t, steps });
    if (list.length > this.window) list.shift();
    this.seen.set(runId, list);
  }

  rate(runId: number): number | null {
    const list = this.seen.get(runId);
    if (!list || list.length < 2) return null;
    const a = list[0];
    const b = list[list.length - 1];
    return b.t > a.t ? ((b.steps - a.steps) / (b.t - a.t)) * 1000 : null;
  }

  forget(runId: number): void {
    this.seen.delete(runId);
  }
}

/** Selection after a click on row `id` (shift: extend from the anchor over the rows as shown). */
export function toggleSelection(selected: ReadonlySet<number>, shown: readonly RunRow[], id: number, anchor: number | null, shift: boolean): Set<number> {
  const next = new Set(selected);
  if (shift && anchor !== null) {
    const a = shown.findIndex((r) => r.id === anchor);
    const b = shown.findIndex((r) => r.id === id);
    if (a >= 0 && b >= 0) {
      const on = selected.has(anchor);
      for (let i = Math.min(a, b); i <= Math.max(a, b); i++) {
        if (on) next.add(shown[i].id);
        else next.delete(shown[i].id);
      }
      return next;
    }
  }
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/**
 * The row a recycled table slot shows: rows [first, first + count) live in
 * slots i mod count, so a row keeps its slot (and its DOM) while it stays in
 * view and scrolling rewrites only the slots of rows that entered.
 */
export function slotRow(slot: number, first: number, count: number): number {
  return first + ((((slot - first) % count) + count) % count);
}
