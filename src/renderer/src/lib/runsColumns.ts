/**
 * The runs table's columns: what each shows, how wide it must be, and which
 * ones fit a given width, so the table never scrolls sideways.
 */
import { abbreviateBackend, describeBackend } from '../../../shared/computeBackend';
import type { RunRow } from '../../../shared/runs';
import { fmtDate, fmtDuration, fmtInt, fmtMeanStd, fmtReturn, fmtShortDate } from './format';
import { duration, rate, type LiveContext, type SortKey } from './runsView';

export interface RunColumn {
  key: SortKey;
  label: string;
  /** Narrowest width (px) that shows its values whole in the app's font. */
  width: number;
  /** Lower goes first when the table is too narrow for every column. Name and status always stay. */
  priority: number;
  num?: boolean;
  title?: string;
  /** The cell's text; name and status cells have their own markup instead. */
  text?: (r: RunRow, live: LiveContext) => string;
  /** The cell may cut its text (ending in an ellipsis). Only such cells clip; the others must fit `width`. */
  cut?: true;
  /** Tooltip of the cell: the whole value where the cell cuts or shortens it. */
  tip?: (r: RunRow) => string | undefined;
}

export const CHECK_WIDTH = 28;
/** Room for a whole sweep run name such as `gail·InvertedPendulum-v5·k=25·s=10`. */
export const NAME_WIDTH = 270;
const KEEP = Infinity;

const dash = (x: number | string | null) => (x === null ? '–' : String(x));
const rateText = (r: RunRow, live: LiveContext) => {
  const v = rate(r, live);
  return v === null ? '–' : `${fmtInt(v)}${r.target?.unit === 'iterations' ? ' it' : ''}`;
};

export const RUN_COLUMNS: readonly RunColumn[] = [
  { key: 'name', label: 'Name', width: NAME_WIDTH, priority: KEEP },
  { key: 'sweep', label: 'Sweep', width: 72, priority: 2, num: true, text: (r) => dash(r.sweepId) },
  { key: 'env', label: 'Env', width: 116, priority: 13, cut: true, text: (r) => r.env, tip: (r) => r.env },
  { key: 'method', label: 'Method', width: 79, priority: 8, text: (r) => r.method },
  { key: 'k', label: 'k', width: 34, priority: 7, num: true, title: 'Expert trajectories given to BC/GAIL', text: (r) => dash(r.trajectories) },
  { key: 'seed', label: 'Seed', width: 52, priority: 6, num: true, text: (r) => String(r.seed) },
  // The badge with its progress fill and the time left of a running run: `running` and `23 h 59 min`.
  { key: 'status', label: 'Status', width: 158, priority: KEEP },
  { key: 'lastEval', label: 'Last', width: 66, priority: 11, num: true, title: 'Last evaluation return (deterministic)', text: (r) => fmtReturn(r.lastEval) },
  { key: 'maxEval', label: 'Max', width: 66, priority: 5, num: true, title: 'Best evaluation return (deterministic)', text: (r) => fmtReturn(r.maxEval) },
  { key: 'final', label: 'Final', width: 136, priority: KEEP, num: true, title: 'Final evaluation return, mean ± std', text: (r) => fmtMeanStd(r.finalMean, r.finalStd) },
  { key: 'envSteps', label: 'Env steps', width: 96, priority: 9, num: true, text: (r) => fmtInt(r.envSteps) },
  { key: 'stepsPerSec', label: 'Steps/s', width: 78, priority: 3, num: true, title: 'Env steps per second (BC: iterations per second), measured', text: rateText },
  { key: 'backend', label: 'Backend', width: 86, priority: 1, cut: true, text: (r) => abbreviateBackend(r.backend), tip: (r) => describeBackend(r.backend) },
  { key: 'started', label: 'Started', width: 108, priority: 4, text: (r, live) => fmtShortDate(r.startedAt, live.now), tip: (r) => (r.startedAt === null ? undefined : fmtDate(r.startedAt)) },
  { key: 'duration', label: 'Duration', width: 94, priority: 10, num: true, text: (r, live) => fmtDuration(duration(r, live.now)) },
];

/**
 * The columns that fit `width` px (after the checkbox column), lowest priority
 * dropped first, in their order; the room left over goes to the name.
 */
export function fitColumns(width: number, columns: readonly RunColumn[] = RUN_COLUMNS): RunColumn[] {
  const room = width - CHECK_WIDTH;
  const shown = new Set(columns);
  let used = columns.reduce((s, c) => s + c.width, 0);
  for (const c of [...columns].sort((a, b) => a.priority - b.priority)) {
    if (used <= room || c.priority === KEEP) break;
    shown.delete(c);
    used -= c.width;
  }
  const spare = Math.max(0, Math.floor(room - used));
  return columns.filter((c) => shown.has(c)).map((c) => (c.key === 'name' ? { ...c, width: c.width + spare } : c));
}
