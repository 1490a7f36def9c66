/**
 * Live points for a chart.js line chart without redrawing the chart.
 *
 * Points pushed in one animation frame share one draw. While they land
 * inside the axes' bounds (axisBounds.ts), only the vertical strip of the
 * canvas they change is cleared and drawn again, in chart.js's own order:
 * its scale layers (grid, borders, labels), then every visible line, each
 * stroked by chart.js's LineElement over just the points that reach the
 * strip, in their dataset's clip. That is the full draw restricted to the
 * strip, so the picture stays what chart.update() would show. The points
 * also go into the datasets' data, so the next full update includes them.
 *
 * A full update('none') happens instead when the bounds must grow (a
 * rescale), when a tooltip is showing, when a visible dataset fills or has
 * dots (not drawn by the strip), and before chart.js handles a pointer
 * event while it has not laid out the live points yet (hover needs them).
 */
import { LineElement, type Chart, type ChartMeta, type Plugin } from 'chart.js';
import { clipArea, getDatasetClipArea, unclipArea } from 'chart.js/helpers';
import { extendExtent, sameBounds, xBounds, yBounds, type Extent } from '../../lib/axisBounds';
import { appendedSpan, strokeReach, tailEnd, tailStart, type PixelPoint } from '../../lib/lineTail';

export type LinePoint = { x: number; y: number | null };
type LineChartJs = Chart<'line', LinePoint[]>;
/** chart.js's draw layers (scales' grid, border, labels) in its draw order; not in its public types. */
type Layers = { z: number; draw: (area: LineChartJs['chartArea']) => void }[];

export interface LiveDrawCounts {
  /** Frames drawn as a strip. */
  strips: number;
  /** Frames that needed the whole chart: a rescale. */
  rescales: number;
  /** Frames that needed the whole chart for another reason (tooltip, fills, not laid out yet). */
  full: number;
}

function inside(points: readonly PixelPoint[], area: { left: number; right: number; top: number; bottom: number }, reach: number): boolean {
  for (const p of points) if (!p.skip && (p.x - reach < area.left || p.x + reach > area.right || p.y - reach < area.top || p.y + reach > area.bottom)) return false;
  return true;
}

export class LiveLines {
  readonly counts: LiveDrawCounts = { strips: 0, rescales: 0, full: 0 };
  private chart: LineChartJs | undefined;
  private queue: { dataset: number; point: LinePoint }[] = [];
  private frame = 0;
  /** Per dataset with live points: its points as chart.js last laid them out, then the live points' pixels. */
  private lines = new Map<number, PixelPoint[]>();
  private stale = false;
  private ext: { x: Extent | null; y: Extent | null } = { x: null, y: null };

  readonly plugin: Plugin<'line'> = {
    id: 'imlabLiveLines',
    install: (chart) => {
      this.chart = chart as unknown as LineChartJs;
    },
    afterUpdate: () => {
      this.lines.clear();
      this.stale = false;
    },
    beforeEvent: (chart) => {
      if (this.stale) chart.update('none');
    },
    uninstall: () => {
      cancelAnimationFrame(this.frame);
      this.chart = undefined;
    },
  };

  /** New series: the axes cover these extents (of the visible points); queued points are already in them. */
  reset(x: Extent | null, y: Extent | null): void {
    this.queue = [];
    this.ext = { x, y };
    this.applyBounds();
  }

  push(dataset: number, point: LinePoint): void {
    this.queue.push({ dataset, point });
    if (this.queue.length === 1) this.frame = requestAnimationFrame(() => this.flush());
  }

  /** Sets the scales' suggested bounds from the extents; true when they changed. */
  private applyBounds(): boolean {
    const c = this.chart;
    if (!c) return false;
    const x = c.options.scales?.x as { suggestedMin?: number; suggestedMax?: number } | undefined;
    const y = c.options.scales?.y as { suggestedMin?: number; suggestedMax?: number } | undefined;
    if (!x || !y) return false;
    const bx = xBounds(this.ext.x);
    const by = yBounds(this.ext.y);
    const changed = !sameBounds(bx, x.suggestedMin === undefined ? null : { min: x.suggestedMin, max: x.suggestedMax! }) || !sameBounds(by, y.suggestedMin === undefined ? null : { min: y.suggestedMin, max: y.suggestedMax! });
    x.suggestedMin = bx?.min;
    x.suggestedMax = bx?.max;
    y.suggestedMin = by?.min;
    y.suggestedMax = by?.max;
    return changed;
  }

  private flush(): void {
    const c = this.chart;
    const queue = this.queue;
    this.queue = [];
    if (!c) return;
    const added = new Map<number, LinePoint[]>();
    for (const { dataset, point } of queue) {
      const ds = c.data.datasets[dataset];
      if (!ds) continue;
      // Not ds.data.push: chart.js wraps it to lay the new element out at once (without parsing), which marks
      // every other point of the line skipped until the next update. The next update adds it from the length.
      Array.prototype.push.call(ds.data, point);
      this.stale = true;
      if (!c.isDatasetVisible(dataset)) continue;
      this.ext = { x: extendExtent(this.ext.x, [point.x]), y: extendExtent(this.ext.y, [point.y]) };
      added.set(dataset, [...(added.get(dataset) ?? []), point]);
    }
    if (!added.size) return;
    if (this.applyBounds()) {
      this.counts.rescales++;
      c.update('none');
    } else if (!this.stripDrawable(c)) {
      this.counts.full++;
      c.update('none');
    } else {
      this.counts.strips++;
      this.drawStrip(c, added);
    }
  }

  private stripDrawable(c: LineChartJs): boolean {
    if (!c.chartArea || (c.tooltip && c.tooltip.opacity > 0) || c.getActiveElements().length) return false;
    return c.getSortedVisibleDatasetMetas().every((m) => {
      const opts = m.dataset?.options as { fill?: unknown } | undefined;
      const ds = c.data.datasets[m.index] as { pointRadius?: unknown };
      return m.type === 'line' && !!m.dataset && !opts?.fill && !ds.pointRadius;
    });
  }

  /** The line in pixels: as chart.js last laid it out, then the live points since. */
  private pixels(meta: ChartMeta): PixelPoint[] {
    return this.lines.get(meta.index) ?? (meta.data as unknown as PixelPoint[]);
  }

  private drawStrip(c: LineChartJs, added: Map<number, LinePoint[]>): void {
    let lo = Infinity;
    let hi = -Infinity;
    let width = 0;
    const metas = c.getSortedVisibleDatasetMetas();
    for (const meta of metas) width = Math.max(width, (meta.dataset?.options as { borderWidth?: number }).borderWidth ?? 0);
    for (const [index, points] of added) {
      const meta = c.getDatasetMeta(index);
      const px: PixelPoint[] = points.map((p) => {
        const x = meta.xScale!.getPixelForValue(p.x);
        const y = p.y === null ? NaN : meta.yScale!.getPixelForValue(p.y);
        return { x, y, skip: Number.isNaN(x) || Number.isNaN(y) };
      });
      let line = this.lines.get(index);
      if (!line) this.lines.set(index, (line = (meta.data as unknown as PixelPoint[]).slice()));
      let last: PixelPoint | undefined;
      for (let i = line.length - 1; i >= 0 && !last; i--) if (!line[i].skip) last = line[i];
      for (const p of px) line.push(p);
      const span = appendedSpan(last, px);
      if (!span) continue;
      lo = Math.min(lo, span[0]);
      hi = Math.max(hi, span[1]);
    }
    if (hi === -Infinity) return;
    // The strip in whole device pixels, so clearing and clipping it leave its neighbours untouched.
    const dpr = c.currentDevicePixelRatio;
    const reach = strokeReach(width);
    const left = Math.max(0, Math.floor((lo - reach) * dpr) / dpr);
    const right = Math.min(c.width, Math.ceil((hi + reach) * dpr) / dpr);
    const ctx = c.ctx;
    const layers = (c as unknown as { _layers: Layers })._layers;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, 0, right - left, c.height);
    ctx.clip();
    ctx.clearRect(left, 0, right - left, c.height);
    let i = 0;
    for (; i < layers.length && layers[i].z <= 0; i++) layers[i].draw(c.chartArea);
    for (let m = metas.length - 1; m >= 0; m--) this.drawTail(c, metas[m], left - reach, right + reach);
    for (; i < layers.length; i++) layers[i].draw(c.chartArea);
    ctx.restore();
  }

  private drawTail(c: LineChartJs, meta: ChartMeta, left: number, right: number): void {
    const points = this.pixels(meta);
    const from = tailStart(points, left);
    const tail = points.slice(from, tailEnd(points, from, right));
    if (!tail.length) return;
    const options = meta.dataset!.options as { borderWidth?: number };
    // The dataset's clip, as chart.js sets it, only where the tail's stroke can reach it: a clip that contains
    // a stroke leaves it as drawn without, and each costs a canvas state save.
    const area = getDatasetClipArea(c as unknown as Chart, meta);
    const clip = area && !inside(tail, area, strokeReach(options.borderWidth ?? 0)) ? area : false;
    if (clip) clipArea(c.ctx, clip);
    new LineElement({ points: tail, options }).draw(c.ctx, c.chartArea);
    if (clip) unclipArea(c.ctx);
  }
}
