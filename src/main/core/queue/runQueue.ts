/**
 * The persistent queue: launches runnable runs (queued, dependencies
 * succeeded, best priority first) in child processes up to the concurrency
 * limit, stores what they report, and moves them through their statuses.
 * It is the only writer of the database. On start it recovers runs a crash
 * left "running": they become interrupted and, if auto-resume is on, queued
 * again to continue from their last checkpoint.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { QueueState } from '../../../shared/api';
import { DEFAULT_EXECUTOR, type ExecutorSetting } from '../../../shared/executors';
import { ImlabError } from '../../../shared/errors';
import { configRefs, formatRef } from '../../../shared/refs';
import type { ProgressEvent, RunSummary } from '../../../shared/progress';
import { runThreads, type RunConfig } from '../../../shared/runConfigs';
import { FINISHED_STATUSES, type RunRow, type RunStatus } from '../../../shared/runs';
import { sweepSpecSchema, type SweepSpecInput } from '../../../shared/sweeps';
import { parseInput } from '../../../shared/validate';
import type { DataHome } from '../home';
import { processIdentity, type ProcessIdentity } from '../processIdentity';
import { GAIL_HEALTH_METRICS, gailHealth, healthPoints } from '../learn/gailHealth';
import { EXIT, type ChildMessage, type StartMessage } from '../runs/processProtocol';
import { appendRunLog } from '../runs/runLog';
import { parseRunConfig } from '../runs/runJob';
import { FILES, loadDataset, decodeTrajectory } from '../runs/storage';
import type { NewRun, Store } from '../store/store';
import type { RunCallbacks, RunExecutor, RunHandle } from './executor';
import { checkConfigRefs } from './configRefs';
import { expandSweep } from './sweepExpansion';

export interface QueueListener {
  runChanged(run: RunRow): void;
  metricsAppended(e: { runId: number; iteration: number; envSteps: number }): void;
  queueChanged(state: QueueState): void;
}

/** Iterations between health checks of a running GAIL run (and one more when it ends). */
const HEALTH_EVERY = 10;

interface Active {
  handle: RunHandle;
  cancelRequested: boolean;
  stopRequested: boolean;
  failure?: string;
  interruption?: string;
  summary?: RunSummary;
  /** Which executor's slots it takes. */
  pool: ExecutorSetting['kind'];
  /** How many of them: a local run's threads (an ARS expert's workers), one Slurm job. */
  slots: number;
  artifacts: Set<string>;
  exited: Promise<void>;
}

export interface QueueOptions {
  concurrency: number;
  /** How long a cancelled run may take to checkpoint before it is killed. */
  stopGraceMs?: number;
}

export class RunQueue {
  private readonly active = new Map<number, Active>();
  private pendingMetrics: { runId: number; iteration: number; envSteps: number; values: Record<string, number> }[] = [];
  private pendingRows = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  /** GAIL runs reporting metrics → the iteration their health was last computed at. */
  private healthChecked = new Map<number, number>();
  private started = false;
  private closing = false;

  constructor(
    private readonly store: Store,
    private readonly home: DataHome,
    private readonly executor: RunExecutor,
    private readonly listener: QueueListener,
    private readonly options: QueueOptions,
  ) {}

  get state(): QueueState {
    return {
      paused: this.store.getSetting('queue.paused', false),
      concurrency: this.store.getSetting('queue.concurrency', this.options.concurrency),
      autoResume: this.store.getSetting('queue.autoResume', true),
      executor: this.defaultExecutor,
      running: this.active.size,
      queued: this.store.countRuns({ status: ['queued'] }),
    };
  }

  /** Where runs queued without a setting execute. */
  get defaultExecutor(): ExecutorSetting {
    return this.store.getSetting<ExecutorSetting>('queue.executor', DEFAULT_EXECUTOR);
  }

  /**
   * Recovers from a crash, then starts launching runs (unless schedule is
   * false). Runs still executing elsewhere (Slurm jobs) are reattached; local
   * runs left running become interrupted.
   */
  async start(o: { schedule: boolean } = { schedule: true }): Promise<void> {
    this.started = o.schedule;
    for (const run of this.store.listRuns({ status: ['running'], limit: 100_000 })) {
      const placement = this.store.runPlacement(run.id);
      const handle = placement && this.executor.reattach ? this.attach(run, (message, callbacks) => this.executor.reattach!(message, placement, callbacks)) : null;
      if (handle) {
        // A coordinator that does not schedule (one CLI command) leaves the run to the one that does.
        if (!o.schedule) {
          handle.detach?.();
          this.active.delete(run.id);
        }
        continue;
      }
      const orphan = this.store.runProcess(run.id);
      if (orphan) await stopOrphan(orphan);
      this.store.updateRun(run.id, { status: 'interrupted', pid: null, error: 'the coordinator stopped while this run was running' });
      this.emitRun(run.id);
    }
    if (this.state.autoResume) {
      for (const run of this.store.listRuns({ status: ['interrupted'], limit: 100_000 })) this.setStatus(run.id, 'queued', { error: null });
    }
    this.schedule();
  }

  /** Stops launching; asks running runs to checkpoint and stop (they become interrupted). */
  async shutdown(): Promise<void> {
    this.closing = true;
    // Runs that execute elsewhere (Slurm jobs) go on; the next coordinator reattaches.
    for (const [id, a] of this.active) {
      if (!a.handle.detach) continue;
      a.handle.detach();
      this.active.delete(id);
    }
    for (const a of this.active.values()) {
      a.stopRequested = true;
      a.handle.stop();
    }
    await Promise.race([Promise.all([...this.active.values()].map((a) => a.exited)), delay(this.options.stopGraceMs ?? 15_000)]);
    for (const a of this.active.values()) a.handle.kill();
    await Promise.all([...this.active.values()].map((a) => a.exited));
    this.executor.dispose?.();
    this.flushMetrics();
  }

  // ---- adding work ------------------------------------------------------

  /** Checks an executor setting before runs are queued with it (Slurm: the options are accepted, the data folder is shared). */
  async checkExecutor(setting: ExecutorSetting): Promise<void> {
    await this.executor.check?.(setting);
  }

  enqueue(runs: NewRun[]): number[] {
    const ids = this.store.createRuns(runs, (id) => this.freshRunDir(id));
    ids.forEach((id) => this.emitRun(id));
    this.emitQueue();
    this.schedule();
    return ids;
  }

  /** Queues one run from a config (validated; errors name the field). */
  enqueueConfig(config: unknown, options: { name?: string; priority?: number; executor?: ExecutorSetting } = {}): number {
    const c = parseRunConfig(config);
    const k = c.kind === 'bc' || c.kind === 'gail' ? c.trajectories : null;
    const method = c.kind === 'expert' ? c.algorithm : c.kind;
    const name = options.name ?? c.name ?? [c.kind, c.env, k !== null ? `k=${k}` : null, `s=${c.seed}`].filter(Boolean).join('·');
    checkConfigRefs(c as unknown as Record<string, unknown>, this.store);
    return this.enqueue([{ name, kind: c.kind, env: c.env, method, trajectories: k, seed: c.seed, config: c, priority: options.priority ?? 0, dependsOn: this.upstreamOf(c), executor: options.executor ?? null }])[0];
  }

  enqueueSweep(input: unknown, executor?: ExecutorSetting): { sweepId: number; runIds: number[] } {
    const spec = parseInput(sweepSpecSchema, input, 'sweep');
    for (const run of expandSweep(spec, null)) checkConfigRefs(run.config as Record<string, unknown>, this.store);
    const sweepId = this.store.createSweep(spec.name, spec as SweepSpecInput);
    const runIds = this.enqueue(expandSweep(spec, sweepId).map((r) => ({ ...r, executor: executor ?? null })));
    return { sweepId, runIds };
  }

  // ---- controlling runs ---------------------------------------------------

  cancel(id: number): void {
    const run = this.requireRun(id);
    const a = this.active.get(id);
    if (a) {
      a.cancelRequested = true;
      a.handle.stop();
      setTimeout(() => this.active.get(id) === a && a.handle.kill(), this.options.stopGraceMs ?? 15_000).unref();
      return;
    }
    if (FINISHED_STATUSES.includes(run.status)) throw new ImlabError('invalid_input', `Run ${id} has already ${run.status}.`, 'id');
    this.setStatus(id, 'cancelled', { finishedAt: Date.now() });
    this.afterFinish();
  }

  /**
   * A new attempt of the same config (fresh, history kept); blocked dependents
   * now wait for it. Once per attempt: retrying a run that was already
   * retried answers the existing next attempt, so a double click or two
   * clients never make two.
   */
  retry(id: number): number {
    const run = this.requireRun(id);
    const existing = this.store.nextAttemptOf(id);
    if (existing !== null) return existing;
    if (run.status === 'running' || run.status === 'queued') throw new ImlabError('invalid_input', `Run ${id} is ${run.status}; cancel it before retrying.`, 'id');
    const config = this.store.runConfig(id);
    const [newId] = this.store.createRuns(
      [
        {
          name: run.name,
          kind: run.kind,
          env: run.env,
          method: run.method,
          trajectories: run.trajectories,
          seed: run.seed,
          config,
          priority: run.priority,
          sweepId: run.sweepId,
          retryOf: id,
          attempt: run.attempt + 1,
          executor: this.store.runExecutor(id),
          dependsOn: run.dependsOn.map((d) => ({ id: d })),
        },
      ],
      (rid) => this.freshRunDir(rid),
    );
    this.store.retargetDependents(id, newId);
    this.store.dependents(newId).forEach((d) => this.emitRun(d));
    this.emitRun(newId);
    this.emitQueue();
    this.schedule();
    return newId;
  }

  /** Continues a stopped run from its last checkpoint. */
  resume(id: number): void {
    const run = this.requireRun(id);
    if (!['interrupted', 'cancelled', 'failed'].includes(run.status)) {
      throw new ImlabError('invalid_input', `Run ${id} is ${run.status}; only interrupted, cancelled or failed runs can be resumed.`, 'id');
    }
    this.setStatus(id, 'queued', { error: null, finishedAt: null });
    this.unblockDependents(id);
    this.emitQueue();
    this.schedule();
  }

  /**
   * The runs blocked (transitively) behind `id` wait again, as they do after
   * a retry; any of them still behind another failed or cancelled run is
   * blocked again at once.
   */
  private unblockDependents(id: number): void {
    const blocked = this.store.blockedDependents(id);
    if (blocked.length === 0) return;
    this.store.requeueBlocked(blocked);
    const reblocked = new Set(this.store.blockDependents());
    blocked.filter((d) => !reblocked.has(d)).forEach((d) => this.emitRun(d));
    reblocked.forEach((d) => this.emitRun(d));
  }

  /** Removes a run with its metrics, trajectories and files. */
  async remove(id: number): Promise<void> {
    this.requireRun(id);
    const waiting = this.store.dependents(id).map((d) => this.store.getRun(d)!).filter((d) => d && !FINISHED_STATUSES.includes(d.status) && d.status !== 'blocked');
    if (waiting.length) {
      throw new ImlabError('invalid_input', `Run ${id} has runs waiting for it (${waiting.map((w) => w.id).join(', ')}); cancel or delete those first.`, 'id');
    }
    const a = this.active.get(id);
    if (a) {
      a.cancelRequested = true;
      a.handle.kill();
      await a.exited;
    }
    const dir = this.store.runDir(id);
    this.store.deleteRun(id);
    if (dir) rmSync(dir, { recursive: true, force: true });
    this.emitQueue();
  }

  setPriority(id: number, priority: number): void {
    this.requireRun(id);
    this.store.updateRun(id, { priority });
    this.emitRun(id);
    this.schedule();
  }

  pause(): void {
    this.store.setSetting('queue.paused', true);
    this.emitQueue();
  }

  unpause(): void {
    this.store.setSetting('queue.paused', false);
    this.emitQueue();
    this.schedule();
  }

  configure(s: { concurrency?: number; autoResume?: boolean; executor?: ExecutorSetting }): void {
    if (s.concurrency !== undefined) this.store.setSetting('queue.concurrency', s.concurrency);
    if (s.executor !== undefined) this.store.setSetting('queue.executor', s.executor);
    if (s.autoResume !== undefined) this.store.setSetting('queue.autoResume', s.autoResume);
    this.emitQueue();
    this.schedule();
  }

  /** Resolves when no run is queued or running (or paused with none running). */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        const s = this.state;
        if (s.running === 0 && (s.queued === 0 || s.paused || this.store.runnable(1).length === 0)) resolve();
        else setTimeout(check, 50);
      };
      check();
    });
  }

  // ---- scheduling ----------------------------------------------------------

  private schedule(): void {
    if (!this.started || this.closing) return;
    const { paused, concurrency } = this.state;
    if (paused) return;
    const used = new Map<string, number>();
    for (const a of this.active.values()) used.set(a.pool, (used.get(a.pool) ?? 0) + a.slots);
    const limits = new Map<string, number>();
    /** Pools whose next run waits for more free slots: runs behind it do not take them first. */
    const waiting = new Set<string>();
    // Enough candidates that a full pool (local) does not hide runs another pool (Slurm) could take.
    for (const run of this.store.runnable(concurrency + 1000)) {
      if (this.active.has(run.id)) continue;
      const setting = this.executorOf(run.id);
      if (waiting.has(setting.kind)) continue;
      if (!limits.has(setting.kind)) limits.set(setting.kind, this.executor.slots?.(setting) ?? concurrency);
      const inUse = used.get(setting.kind) ?? 0;
      const limit = limits.get(setting.kind)!;
      if (inUse >= limit) continue;
      const slots = slotsOf(setting, this.store.runConfig(run.id));
      // A run wider than the whole pool still runs, alone.
      if (inUse > 0 && inUse + slots > limit) {
        waiting.add(setting.kind);
        continue;
      }
      used.set(setting.kind, inUse + slots);
      this.launch(run);
    }
  }

  private executorOf(id: number): ExecutorSetting {
    return this.store.runExecutor(id) ?? this.defaultExecutor;
  }

  private launch(run: RunRow): void {
    let config: unknown;
    try {
      config = this.resolveRefs(run);
    } catch (e) {
      this.setStatus(run.id, 'failed', { error: (e as Error).message, finishedAt: Date.now() });
      this.afterFinish();
      return;
    }
    this.flushMetrics();
    const handle = this.attach(run, (message, callbacks) => this.executor.start(message, callbacks), config)!;
    const pid = handle.pid > 0 ? handle.pid : null;
    this.setStatus(run.id, 'running', { startedAt: Date.now(), finishedAt: null, error: null, pid, pidIdentity: pid ? processIdentity(pid) : null });
    this.emitQueue();
  }

  /** Starts (or reattaches to) a run through the executor and tracks it as active; null if the executor declined. */
  private attach(run: RunRow, begin: (message: StartMessage, callbacks: RunCallbacks) => RunHandle | null, config: unknown = this.store.runConfig(run.id)): RunHandle | null {
    const setting = this.executorOf(run.id);
    let resolveExit!: () => void;
    const exited = new Promise<void>((r) => (resolveExit = r));
    const entry: Active = { handle: undefined as unknown as RunHandle, cancelRequested: false, stopRequested: false, artifacts: new Set(), exited, pool: setting.kind, slots: slotsOf(setting, config) };
    this.active.set(run.id, entry);
    const handle = begin(
      { type: 'start', config, dir: this.store.runDir(run.id)!, dbPath: this.home.dbPath, resumeAtMost: this.store.lastStoredStep(run.id), runId: run.id, executor: setting },
      {
        onMessage: (m) => this.onMessage(run.id, entry, m),
        onExit: (code, signal) => {
          this.onExit(run.id, entry, code, signal);
          resolveExit();
        },
        resumePoint: () => {
          this.flushMetrics();
          return this.store.lastStoredStep(run.id);
        },
      },
    );
    if (!handle) {
      this.active.delete(run.id);
      return null;
    }
    entry.handle = handle;
    return handle;
  }

  private onMessage(id: number, a: Active, m: ChildMessage): void {
    if (m.type === 'failed') a.failure ??= m.message;
    if (m.type === 'interrupted' && m.reason) a.interruption = m.reason;
    if (m.type === 'placement') {
      this.store.updateRun(id, { placement: m.placement });
      this.emitRun(id);
    }
    if (m.type !== 'event') return;
    this.record(id, a, m.event);
  }

  private record(id: number, a: Active, e: ProgressEvent): void {
    switch (e.type) {
      case 'started': {
        this.store.updateRun(id, { backend: e.backend });
        if (e.resumedFrom !== null) {
          this.store.rewindProgress(id, e.resumedFrom, this.store.checkpointEnvSteps(id, e.resumedFrom) ?? 0);
        }
        this.emitRun(id);
        break;
      }
      case 'metrics':
        // Arrival time on the coordinator's clock: the wall-time axis of the charts, continuous across resumes.
        this.bufferMetrics(id, e.iteration, e.envSteps, { ...e.values, wallTime: Date.now() / 1000 });
        break;
      case 'evaluation':
        this.store.insertEvaluation(id, e.iteration, e.envSteps, e.final, e.result);
        this.emitRun(id);
        break;
      case 'checkpoint':
        this.store.insertCheckpoint(id, e.iteration, e.envSteps, e.file);
        break;
      case 'artifact':
        a.artifacts.add(e.name);
        break;
      case 'done':
        a.summary = e.summary;
        break;
      case 'log': {
        const dir = this.store.runDir(id);
        if (dir) appendRunLog(dir, { time: Date.now(), level: e.level, message: e.message });
        break;
      }
    }
  }

  private onExit(id: number, a: Active, code: number | null, signal: NodeJS.Signals | null): void {
    this.active.delete(id);
    this.flushMetrics();
    if (this.healthChecked.has(id)) {
      this.refreshHealth(id);
      this.healthChecked.delete(id);
    }
    const now = Date.now();
    if (!this.store.getRun(id)) return;
    if (code === EXIT.succeeded && a.summary) {
      try {
        this.importArtifacts(id, a);
        this.store.updateRun(id, { status: 'succeeded', finishedAt: now, pid: null, summary: a.summary });
        const f = a.summary.finalEval;
        this.store.setFinal(id, f?.mean ?? null, f?.std ?? null, f?.episodes ?? null, a.summary.envSteps);
      } catch (e) {
        this.store.updateRun(id, { status: 'failed', finishedAt: now, pid: null, error: `storing the run's results failed: ${(e as Error).message}` });
      }
    } else if (a.cancelRequested) {
      this.store.updateRun(id, { status: 'cancelled', finishedAt: now, pid: null });
    } else if (code === EXIT.interrupted || a.stopRequested) {
      this.store.updateRun(id, { status: 'interrupted', pid: null, error: a.interruption ? `${a.interruption}; resume continues from the last checkpoint` : 'stopped; resume continues from the last checkpoint' });
    } else {
      const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
      this.store.updateRun(id, { status: 'failed', finishedAt: now, pid: null, error: a.failure ?? `the run process ${how}` });
    }
    this.emitRun(id);
    this.afterFinish();
  }

  /** Moves what a run produced into the database: a sample run's dataset, an eval run's episodes. */
  private importArtifacts(id: number, a: Active): void {
    const dir = this.store.runDir(id)!;
    const run = this.store.getRun(id)!;
    if (a.artifacts.has('dataset')) {
      const file = join(dir, FILES.dataset);
      this.store.insertDataset(loadDataset(file), run.name, id);
      rmSync(file, { force: true });
    }
    if (a.artifacts.has('trajectories')) {
      const file = join(dir, FILES.trajectories);
      if (existsSync(file)) {
        const t = JSON.parse(readFileSync(file, 'utf8')) as { sets: { mode: string; trajectories: Parameters<typeof decodeTrajectory>[0][] }[] };
        for (const set of t.sets) this.store.insertTrajectories({ runId: id }, set.trajectories.map(decodeTrajectory), set.mode);
        rmSync(file, { force: true });
      }
    }
  }

  /**
   * Metric rows are written in batches (every 100 ms or 5,000 rows, across
   * runs): one transaction per iteration per run would cap ingestion far
   * below what a busy queue reports. A crash loses at most the unflushed
   * batch, and runs resume from a checkpoint no newer than the stored rows.
   */
  private bufferMetrics(runId: number, iteration: number, envSteps: number, values: Record<string, number>): void {
    this.pendingMetrics.push({ runId, iteration, envSteps, values });
    this.pendingRows += Object.keys(values).length;
    if (this.pendingRows >= 5000) this.flushMetrics();
    else this.flushTimer ??= setTimeout(() => this.flushMetrics(), 100);
  }

  private flushMetrics(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pendingMetrics.length === 0) return;
    const rows = this.pendingMetrics;
    this.pendingMetrics = [];
    this.pendingRows = 0;
    this.store.insertMetricRows(rows);
    const newest = new Map<number, { runId: number; iteration: number; envSteps: number }>();
    for (const r of rows) if ((newest.get(r.runId)?.iteration ?? -1) < r.iteration) newest.set(r.runId, r);
    for (const r of rows) if (!this.healthChecked.has(r.runId) && GAIL_HEALTH_METRICS[0] in r.values) this.healthChecked.set(r.runId, 0);
    for (const n of newest.values()) {
      const checked = this.healthChecked.get(n.runId);
      if (checked !== undefined && n.iteration - checked >= HEALTH_EVERY) {
        this.refreshHealth(n.runId);
        this.healthChecked.set(n.runId, n.iteration);
      }
      this.listener.metricsAppended({ runId: n.runId, iteration: n.iteration, envSteps: n.envSteps });
      this.emitRun(n.runId);
    }
  }

  /** Recomputes a GAIL run's health from its whole metric history (a few thousand rows: ~1 ms). */
  private refreshHealth(runId: number): void {
    if (!this.store.getRun(runId)) return;
    this.store.setHealth(runId, gailHealth(healthPoints(this.store.getMetrics(runId, [...GAIL_HEALTH_METRICS], { raw: true }))));
  }

  private afterFinish(): void {
    this.store.blockDependents().forEach((d) => this.emitRun(d));
    this.emitQueue();
    this.schedule();
  }

  /** run:<id> → that run's folder (policy) or dataset (dataset:<id>). */
  private resolveRefs(run: RunRow): unknown {
    const config = this.store.runConfig(run.id) as Record<string, unknown>;
    const out = { ...config };
    for (const { field, ref } of configRefs(config)) {
      if (ref.kind !== 'run') continue;
      const upstream = this.store.getRun(ref.id);
      if (!upstream || upstream.status !== 'succeeded') throw new ImlabError('invalid_input', `${field}: run ${ref.id} has not succeeded`, field);
      if (field === 'policy') out.policy = this.store.runDir(upstream.id);
      else {
        const ds = this.store.datasetBySourceRun(upstream.id);
        if (ds === null) throw new ImlabError('invalid_input', `dataset: run ${ref.id} produced no dataset`, field);
        out.dataset = formatRef({ kind: 'dataset', id: ds });
      }
    }
    return out;
  }

  /** Runs a config's run:<id> references point at: they must succeed first. */
  private upstreamOf(c: unknown): { id: number }[] {
    const refs: { id: number }[] = [];
    for (const { field, ref } of configRefs(c)) {
      if (ref.kind !== 'run') continue;
      if (!this.store.getRun(ref.id)) throw new ImlabError('not_found', `${field}: run ${ref.id} does not exist.`, field);
      refs.push({ id: ref.id });
    }
    return refs;
  }

  /** runs/<id>, or runs/<id>-<n> when a folder of that name is left over (e.g. from an older database): a folder is never reused. */
  private freshRunDir(id: number): string {
    const base = join(this.home.runsDir, String(id));
    let dir = base;
    for (let n = 2; existsSync(dir); n++) dir = `${base}-${n}`;
    return dir;
  }

  private requireRun(id: number): RunRow {
    const run = this.store.getRun(id);
    if (!run) throw new ImlabError('not_found', `No run with id ${id}.`, 'id');
    return run;
  }

  private setStatus(id: number, status: RunStatus, fields: Parameters<Store['updateRun']>[1] = {}): void {
    this.store.updateRun(id, { ...fields, status });
    this.emitRun(id);
  }

  private emitRun(id: number): void {
    const row = this.store.getRun(id);
    if (row) this.listener.runChanged(row);
  }

  private emitQueue(): void {
    this.listener.queueChanged(this.state);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}

/**
 * A run process left by a crashed coordinator: ask it to stop, then make
 * sure. Only the very process the run was started in, and only once its
 * coordinator is gone: a pid reused by another process, or a run process its
 * coordinator still runs (this data folder is a copy of one in use), is left
 * alone, as is a process whose identity the platform cannot tell (a run
 * process exits by itself when it loses its coordinator).
 */
async function stopOrphan(p: { pid: number; identity: ProcessIdentity | null }): Promise<void> {
  const same = () => {
    const now = processIdentity(p.pid);
    return now !== null && p.identity !== null && now.started === p.identity.started && now.parent !== p.identity.parent;
  };
  if (!same()) return;
  try {
    process.kill(p.pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 100 && same(); i++) await delay(100);
  if (same()) process.kill(p.pid, 'SIGKILL');
}

/** Slots a run takes in its executor's pool: locally its threads (the concurrency counts cores), on Slurm one job (its CPUs are Slurm's to place). */
function slotsOf(setting: ExecutorSetting, config: unknown): number {
  return setting.kind === 'local' ? runThreads(config as RunConfig) : 1;
}
