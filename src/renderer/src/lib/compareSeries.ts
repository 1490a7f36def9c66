/**
 * The Compare page's curves: runs grouped by config minus seed, coloured by
 * group (seeds in shades of one hue), either overlaid one line per run or as
 * one mean line per group with a ±std or min–max band.
 */
import type { MetricSeries, RunDetail } from '../../../shared/runs';
import { groupCurves, groupKey } from '../../../shared/grouping';
import { smooth } from '../../../shared/smoothing';
import { groupColor, xValues, type ChartSeries, type XAxis } from './chartSeries';

export interface RunCurve {
  run: Pick<RunDetail, 'id' | 'name' | 'config' | 'seed'>;
  series: MetricSeries;
  wall: MetricSeries | null;
  wallStart?: number;
}

export interface Group {
  key: string;
  label: string;
  color: string;
  runs: RunCurve[];
}

/** Groups in order of first appearance; the label is the first run's name without its seed part. */
export function groupRuns(curves: readonly RunCurve[]): Group[] {
  const byKey = new Map<string, RunCurve[]>();
  for (const c of curves) {
    const k = groupKey(c.run.config);
    byKey.set(k, [...(byKey.get(k) ?? []), c]);
  }
  return [...byKey.entries()].map(([key, runs], g) => ({
    key,
    label: runs[0].run.name.replace(/·s=\d+$/, ''),
    color: groupColor(g),
    runs: runs.sort((a, b) => a.run.seed - b.run.seed),
  }));
}

export function overlaySeries(groups: readonly Group[], axis: XAxis, smoothing: number): ChartSeries[] {
  const out: ChartSeries[] = [];
  for (const [g, group] of groups.entries()) {
    group.runs.forEach((c, m) => {
      const color = groupColor(g, m, group.runs.length);
      const x = xValues(c.series, axis, c.wall, c.wallStart);
      const raw = c.series.values.slice();
      out.push({ id: `raw-${c.run.id}`, label: `${c.run.name} (raw)`, color, role: 'raw', legendKey: group.key, x, y: raw.slice() });
      out.push({ id: `run-${c.run.id}`, label: c.run.name, color, role: 'smoothed', legendKey: group.key, x: x.slice(), y: smooth(raw, smoothing), raw });
    });
  }
  return out;
}

/** Per group: the mean of the raw curves faded behind, the band, and the mean of the smoothed curves. */
export function groupedSeries(groups: readonly Group[], axis: XAxis, smoothing: number, band: 'std' | 'minmax', buckets: number): ChartSeries[] {
  const out: ChartSeries[] = [];
  for (const group of groups) {
    const xs = group.runs.map((c) => xValues(c.series, axis, c.wall, c.wallStart));
    const raw = groupCurves(group.runs.map((c, i) => ({ x: xs[i], y: c.series.values })), buckets);
    const sm = groupCurves(group.runs.map((c, i) => ({ x: xs[i], y: smooth(c.series.values, smoothing) })), buckets);
    const n = group.runs.length;
    const name = `${group.label} (${n} seed${n === 1 ? '' : 's'})`;
    const lo = band === 'std' ? sm.mean.map((v, i) => v - sm.std[i]) : sm.min;
    const hi = band === 'std' ? sm.mean.map((v, i) => v + sm.std[i]) : sm.max;
    const bandName = band === 'std' ? 'mean − std' : 'min';
    const bandHigh = band === 'std' ? 'mean + std' : 'max';
    out.push({ id: `raw-${group.key}`, label: `${name} raw mean`, color: group.color, role: 'raw', legendKey: group.key, x: raw.x, y: raw.mean });
    out.push({ id: `lo-${group.key}`, label: `${name} ${bandName}`, color: group.color, role: 'bandLow', legendKey: group.key, x: sm.x, y: lo });
    out.push({ id: `hi-${group.key}`, label: `${name} ${bandHigh}`, color: group.color, role: 'bandHigh', legendKey: group.key, x: sm.x, y: hi });
    out.push({ id: `mean-${group.key}`, label: `${name} mean`, color: group.color, role: 'mean', legendKey: group.key, x: sm.x, y: sm.mean, raw: raw.x.length === sm.x.length ? raw.mean : undefined });
  }
  return out;
}
