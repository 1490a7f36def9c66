/**
 * The state several pages share — runs, queue, datasets, sweeps, system info —
 * in one place, fed by the Api's events, handed to pages through a typed
 * context. Pages read it; they never fetch on their own what another page
 * also needs.
 */
import { getContext, setContext } from 'svelte';
import type { Api, Backend, QueueState, Subscribe, SystemInfo } from '../../../shared/api';
import type { DatasetRow, RunRow } from '../../../shared/runs';
import { RateMeter } from '../lib/runsView';

/** listRuns' largest page. */
const PAGE = 1000;

export class AppState {
  readonly api: Api;
  readonly subscribe: Subscribe;
  /** Every run, newest first, kept current by runChanged events. */
  runs = $state.raw<RunRow[]>([]);
  runsLoaded = $state(false);
  queue = $state.raw<QueueState | null>(null);
  datasets = $state.raw<DatasetRow[]>([]);
  sweeps = $state.raw<{ id: number; name: string; createdAt: number; runs: number }[]>([]);
  info = $state.raw<SystemInfo | null>(null);
  /** The last backend error that no page handled. */
  error = $state<string | null>(null);
  private readonly index = new Map<number, number>();
  private readonly offs: (() => void)[] = [];

  constructor(backend: Backend) {
    this.api = backend.api;
    this.subscribe = backend.subscribe;
    this.offs.push(
      backend.subscribe('runChanged', (row) => this.upsert(row)),
      backend.subscribe('queueChanged', (q) => (this.queue = q)),
      backend.subscribe('runDeleted', ({ id }) => this.removeRun(id)),
      backend.subscribe('metricsAppended', (m) => this.measureRate(m)),
    );
  }

  async load(): Promise<void> {
    try {
      const [info, queue] = await Promise.all([this.api.systemInfo({}), this.api.getQueue({})]);
      this.info = info;
      this.queue = queue;
      await Promise.all([this.loadRuns(), this.refreshDatasets(), this.refreshSweeps(), this.refreshTags()]);
    } catch (e) {
      this.error = e instanceof Error ? e.message : String(e);
    }
  }

  async refreshDatasets(): Promise<void> {
    this.datasets = await this.api.listDatasets({});
  }

  async refreshSweeps(): Promise<void> {
    this.sweeps = await this.api.listSweeps({});
  }

  run(id: number): RunRow | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.runs[i];
  }

  dispose(): void {
    for (const off of this.offs.splice(0)) off();
  }

  private async loadRuns(): Promise<void> {
    const rows: RunRow[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.api.listRuns({ limit: PAGE, offset });
      rows.push(...page.runs);
      if (page.runs.length < PAGE || rows.length >= page.total) break;
    }
    this.setRuns(rows);
    this.runsLoaded = true;
    // bench/ui.ts measures the runs table's first render from here.
    performance.mark('imlab:runs-loaded');
  }

  private upsert(row: RunRow): void {
    const i = this.index.get(row.id);
    if (i !== undefined) {
      const next = this.runs.slice();
      next[i] = row;
      this.runs = next;
    } else {
      this.setRuns([row, ...this.runs]);
      if (row.sweepId !== null && !this.sweeps.some((s) => s.id === row.sweepId)) void this.refreshSweeps();
    }
  }

  private setRuns(rows: RunRow[]): void {
    this.index.clear();
    rows.forEach((r, i) => this.index.set(r.id, i));
    this.runs = rows;
  }

  // ---- runs, run detail and compare pages ----
  /** Measured steps/s (iterations/s for BC) of running runs, from metricsAppended events. */
  rates = $state.raw<ReadonlyMap<number, number>>(new Map());
  /** Tags of every tagged run. */
  runTags = $state.raw<ReadonlyMap<number, readonly string[]>>(new Map());
  private readonly meter = new RateMeter();

  async refreshTags(): Promise<void> {
    const byRun = new Map<number, string[]>();
    for (const { tag, runIds } of await this.api.listTags({})) for (const id of runIds) byRun.set(id, [...(byRun.get(id) ?? []), tag]);
    this.runTags = byRun;
  }

  async setTags(id: number, add: string[], remove: string[]): Promise<string[]> {
    const { tags } = await this.api.setRunTags({ id, add, remove });
    const next = new Map(this.runTags);
    if (tags.length) next.set(id, tags);
    else next.delete(id);
    this.runTags = next;
    return tags;
  }

  private removeRun(id: number): void {
    if (!this.index.has(id)) return;
    this.meter.forget(id);
    this.setRuns(this.runs.filter((r) => r.id !== id));
  }

  private measureRate(m: { runId: number; iteration: number; envSteps: number }): void {
    const run = this.run(m.runId);
    this.meter.report(m.runId, run?.target?.unit === 'iterations' ? m.iteration : m.envSteps, Date.now());
    const v = this.meter.rate(m.runId);
    if (v === null) return;
    const next = new Map(this.rates);
    next.set(m.runId, v);
    this.rates = next;
  }
}

const KEY = Symbol('app-state');

export function setAppState(state: AppState): AppState {
  return setContext(KEY, state);
}

export function getAppState(): AppState {
  return getContext<AppState>(KEY);
}
