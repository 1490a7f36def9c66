/**
 * What the charts draw, independent of chart.js: series of (x, y) points with
 * a label, colour and role (raw behind, smoothed in front, band edges), the
 * x-axis choices, and the CSV of exactly the series a chart shows.
 */
import type { MetricSeries } from '../../../shared/runs';

export type XAxis = 'envSteps' | 'wallTime' | 'iteration';

export const X_AXES: { value: XAxis; label: string }[] = [
  { value: 'envSteps', label: 'Env steps' },
  { value: 'wallTime', label: 'Wall time (s)' },
  { value: 'iteration', label: 'Iteration' },
];

export interface ChartSeries {
  /** Stable id (legend toggles, live appends). */
  id: string;
  label: string;
  color: string;
  role: 'raw' | 'smoothed' | 'bandLow' | 'bandHigh' | 'mean';
  /** The group or run a legend entry toggles. */
  legendKey: string;
  x: number[];
  y: (number | null)[];
  /** For tooltips of smoothed/mean series: the raw value at the same index. */
  raw?: (number | null)[];
}

/**
 * x values of a series on the chosen axis. Wall time is seconds since the
 * run's first report, read from its wallTime series (interpolated by
 * iteration, since LTTB keeps different iterations per series).
 */
export function xValues(s: Pick<MetricSeries, 'steps' | 'envSteps'>, axis: XAxis, wall?: Pick<MetricSeries, 'steps' | 'values'> | null, wallStart?: number): number[] {
  if (axis === 'iteration') return s.steps.slice();
  if (axis === 'envSteps') return s.envSteps.slice();
  if (!wall || wall.steps.length === 0) return s.steps.map(() => NaN);
  const t0 = wallStart ?? (wall.values[0] as number);
  return s.steps.map((step) => interpolate(wall.steps, wall.values, step) - t0);
}

function interpolate(xs: readonly number[], ys: readonly (number | null)[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  if (x <= xs[0]) return ys[0] as number;
  if (x >= xs[hi]) return ys[hi] as number;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid;
  }
  const a = ys[lo] as number;
  const b = ys[hi] as number;
  return a + ((b - a) * (x - xs[lo])) / (xs[hi] - xs[lo]);
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The chart's visible series, one row per point: series, x, y. */
export function chartCsv(series: readonly ChartSeries[], xLabel: string): string {
  const lines = [`series,${csvField(xLabel)},value`];
  for (const s of series) {
    const label = csvField(s.label);
    for (let i = 0; i < s.x.length; i++) lines.push(`${label},${s.x[i]},${s.y[i] ?? ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Colours by group: one hue per group, seeds of a group in shades of it. */
export function groupColor(group: number, member = 0, members = 1): string {
  const hue = (group * 137.508 + 210) % 360;
  const light = members <= 1 ? 45 : 35 + (25 * member) / Math.max(1, members - 1);
  return `hsl(${hue.toFixed(1)} 65% ${light.toFixed(1)}%)`;
}

export function fade(color: string, alpha: number): string {
  return color.replace(/^hsl\((.*)\)$/, `hsl($1 / ${alpha})`);
}


/** The iterations that cover an x-range of a loaded series: from the last point at or before min to the first at or after max. */
export function stepRange(x: readonly number[], steps: readonly number[], min: number, max: number): [number, number] {
  let lo = 0;
  let hi = steps.length - 1;
  for (let i = 0; i < x.length; i++) if (x[i] <= min) lo = i;
  for (let i = x.length - 1; i >= 0; i--) if (x[i] >= max) hi = i;
  return [steps[lo] ?? 0, steps[hi] ?? 0];
}
