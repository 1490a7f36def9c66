/**
 * The run database's queries. One Store per process; the coordinator's is the
 * only one that writes (run processes report to it), others open read-only.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import type { EnvId } from '../../../shared/envCatalog';
import type { DatasetRow, MetricSeries, RunDetail, RunHealth, RunRow, RunStatus } from '../../../shared/runs';
import type { ExecutorSetting, RunPlacement } from '../../../shared/executors';
import type { EvaluationResult } from '../../../shared/progress';
import { formatRef, replaceRefs } from '../../../shared/refs';
import { datasetStats, type Dataset, type Trajectory } from '../data/dataset';
import { lttbIndices } from '../data/lttb';
import { openDatabase, type Db } from './database';
import { runProgress } from './runProgress';
import type { ProcessIdentity } from '../processIdentity';

export interface NewRun extends Pick<RunRow, 'name' | 'kind' | 'env' | 'method' | 'trajectories' | 'seed'> {
  config: unknown;
  priority?: number;
  sweepId?: number | null;
  retryOf?: number | null;
  attempt?: number;
  /** Indices into the same batch, or existing run ids (as { id }). */
  dependsOn?: (number | { id: number })[];
  status?: RunStatus;
  /** Where it executes; null or absent: the queue's default. */
  executor?: ExecutorSetting | null;
}

/** Where a run executes, as stored with it: what the runs list shows, plus what its executor needs to reattach. */
export interface StoredPlacement extends RunPlacement {
  attach?: unknown;
}

/** A runs-table row as SQLite returns it (snake_case, JSON as text). */
interface RunDbRow extends Pick<RunRow, 'id' | 'name' | 'kind' | 'env' | 'method' | 'trajectories' | 'seed' | 'status' | 'priority' | 'attempt' | 'error' | 'iteration'> {
  config: string;
  sweep_id: number | null;
  retry_of: number | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  backend: string | null;
  pid: number | null;
  env_steps: number;
  final_mean: number | null;
  final_std: number | null;
  final_episodes: number | null;
  last_eval: number | null;
  max_eval: number | null;
  summary: string | null;
  dir: string;
  deps: string | null;
  executor: string | null;
  placement: string | null;
  health: string | null;
}

/** The next id of a table: one past the highest it ever gave (migration 3), so a deleted row's id is never handed out again. */
const NEXT_ID = (table: 'runs' | 'datasets') => `(SELECT last_id + 1 FROM id_high_water WHERE tbl = '${table}')`;

const REQUEUE_BLOCKED = `UPDATE runs SET status = 'queued', error = NULL WHERE id = ? AND status = 'blocked'`;

const RUN_COLUMNS = `r.*, (SELECT group_concat(depends_on) FROM run_dependencies d WHERE d.run_id = r.id) AS deps`;

function toRow(r: RunDbRow): RunRow {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    env: r.env,
    method: r.method,
    trajectories: r.trajectories,
    seed: r.seed,
    status: r.status,
    priority: r.priority,
    sweepId: r.sweep_id,
    retryOf: r.retry_of,
    attempt: r.attempt,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    error: r.error,
    backend: r.backend,
    iteration: r.iteration,
    envSteps: r.env_steps,
    finalMean: r.final_mean,
    finalStd: r.final_std,
    finalEpisodes: r.final_episodes,
    lastEval: r.last_eval,
    maxEval: r.max_eval,
    dependsOn: r.deps ? r.deps.split(',').map(Number) : [],
    placement: r.placement ? displayPlacement(JSON.parse(r.placement) as StoredPlacement) : null,
    ...(r.health ? { health: JSON.parse(r.health) as RunHealth } : {}),
    ...runProgress(r.config, r.summary),
  };
}

function displayPlacement(p: StoredPlacement): RunRow['placement'] {
  const { attach: _attach, ...shown } = p;
  return shown;
}

export interface ListRunsQuery {
  status?: RunStatus[];
  sweepId?: number;
  limit?: number;
  offset?: number;
}

export type RunFilter = Pick<ListRunsQuery, 'status' | 'sweepId'>;

/** The WHERE clause (on runs aliased r) of listRuns and countRuns, with its arguments. */
function runFilter(q: RunFilter): { where: string; args: unknown[] } {
  const conditions: string[] = [];
  const args: unknown[] = [];
  if (q.status?.length) {
    conditions.push(`r.status IN (${q.status.map(() => '?').join(',')})`);
    args.push(...q.status);
  }
  if (q.sweepId !== undefined) {
    conditions.push('r.sweep_id = ?');
    args.push(q.sweepId);
  }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', args };
}

export interface MetricsQuery {
  sinceStep?: number;
  untilStep?: number;
  maxPoints?: number;
  raw?: boolean;
}

/** A succeeded BC or GAIL run as the results table reads it (config and health as stored JSON text). */
export interface ImitationRunRow {
  id: number;
  env: string;
  kind: string;
  trajectories: number;
  final_mean: number;
  config: string;
  health: string | null;
}

export interface StoredTrajectory extends Trajectory {
  id: number;
  label: string;
}

const f32 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const f64 = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
function blobF32(b: Buffer): Float32Array {
  const out = new Float32Array(b.byteLength / 4);
  new Uint8Array(out.buffer).set(b);
  return out;
}
function blobF64(b: Buffer): Float64Array {
  const out = new Float64Array(b.byteLength / 8);
  new Uint8Array(out.buffer).set(b);
  return out;
}

export class Store {
  private readonly db: Db;
  private readonly nameIds = new Map<string, number>();

  /** The data folder: run folders are stored relative to it, so a moved or copied folder keeps its runs. */
  private readonly root: string;

  constructor(path: string, options: { readonly?: boolean } = {}) {
    this.db = openDatabase(path, options);
    this.root = dirname(resolve(path));
  }

  close(): void {
    this.db.close();
  }

  // ---- runs -------------------------------------------------------------

  /** Inserts runs (and their dependencies) atomically; returns their ids in order. */
  createRuns(runs: NewRun[], dirOf: (id: number) => string): number[] {
    const insert = this.db.prepare(
      `INSERT INTO runs (id, name, kind, env, method, trajectories, seed, config, status, priority, sweep_id, retry_of, attempt, created_at, dir, executor)
       VALUES (${NEXT_ID('runs')}, @name, @kind, @env, @method, @trajectories, @seed, @config, @status, @priority, @sweepId, @retryOf, @attempt, @createdAt, '', @executor)`,
    );
    const setDir = this.db.prepare('UPDATE runs SET dir = ? WHERE id = ?');
    const dep = this.db.prepare('INSERT INTO run_dependencies (run_id, depends_on) VALUES (?, ?)');
    return this.db.transaction(() => {
      const now = Date.now();
      const ids: number[] = [];
      for (const r of runs) {
        const id = Number(
          insert.run({
            name: r.name,
            kind: r.kind,
            env: r.env,
            method: r.method,
            trajectories: r.trajectories,
            seed: r.seed,
            config: JSON.stringify(r.config),
            status: r.status ?? 'queued',
            priority: r.priority ?? 0,
            sweepId: r.sweepId ?? null,
            retryOf: r.retryOf ?? null,
            attempt: r.attempt ?? 1,
            createdAt: now,
            executor: r.executor ? JSON.stringify(r.executor) : null,
          }).lastInsertRowid,
        );
        setDir.run(this.storedDir(dirOf(id)), id);
        ids.push(id);
      }
      const setConfig = this.db.prepare('UPDATE runs SET config = ? WHERE id = ?');
      runs.forEach((r, i) => {
        for (const d of r.dependsOn ?? []) dep.run(ids[i], typeof d === 'number' ? ids[d] : d.id);
        // References to runs of this batch (run:#<index>), wherever they stand, become their ids.
        const config = replaceRefs(r.config, (ref) => (ref.kind === 'batchRun' ? formatRef({ kind: 'run', id: ids[ref.index] }) : undefined));
        if (config !== r.config) setConfig.run(JSON.stringify(config), ids[i]);
      });
      return ids;
    })();
  }

  getRun(id: number): RunRow | null {
    const r = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id = ?`).get(id) as RunDbRow | undefined;
    return r ? toRow(r) : null;
  }

  getRunDetail(id: number): RunDetail | null {
    const r = this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.id = ?`).get(id) as RunDbRow | undefined;
    if (!r) return null;
    const evaluations = (
      this.db.prepare('SELECT iteration, env_steps, final, mode, episodes, mean, std FROM evaluations WHERE run_id = ? ORDER BY iteration, final, mode').all(id) as {
        iteration: number;
        env_steps: number;
        final: number;
        mode: string;
        episodes: number;
        mean: number;
        std: number;
      }[]
    ).map((e) => ({ iteration: e.iteration, envSteps: e.env_steps, final: e.final === 1, mode: e.mode, episodes: e.episodes, mean: e.mean, std: e.std }));
    const checkpoints = (this.db.prepare('SELECT iteration, env_steps, created_at FROM checkpoints WHERE run_id = ? ORDER BY iteration').all(id) as { iteration: number; env_steps: number; created_at: number }[]).map(
      (c) => ({ iteration: c.iteration, envSteps: c.env_steps, createdAt: c.created_at }),
    );
    const tags = (this.db.prepare('SELECT tag FROM tags WHERE run_id = ? ORDER BY tag').all(id) as { tag: string }[]).map((t) => t.tag);
    const datasets = (this.db.prepare('SELECT id FROM datasets WHERE source_run_id = ? ORDER BY id').all(id) as { id: number }[]).map((d) => d.id);
    return { ...toRow(r), config: JSON.parse(r.config), summary: r.summary ? JSON.parse(r.summary) : null, dir: this.runFolder(r.dir), tags, evaluations, checkpoints, datasets };
  }

  runConfig(id: number): unknown {
    const r = this.db.prepare('SELECT config FROM runs WHERE id = ?').get(id) as { config: string } | undefined;
    return r ? JSON.parse(r.config) : null;
  }

  /** The executor setting a run was queued with (null: the queue's default). */
  runExecutor(id: number): ExecutorSetting | null {
    const r = this.db.prepare('SELECT executor FROM runs WHERE id = ?').get(id) as { executor: string | null } | undefined;
    return r?.executor ? (JSON.parse(r.executor) as ExecutorSetting) : null;
  }

  runPlacement(id: number): StoredPlacement | null {
    const r = this.db.prepare('SELECT placement FROM runs WHERE id = ?').get(id) as { placement: string | null } | undefined;
    return r?.placement ? (JSON.parse(r.placement) as StoredPlacement) : null;
  }

  /** The file a run recorded for its checkpoint at `iteration`, relative to the run's folder. */
  checkpointFile(runId: number, iteration: number): string | null {
    const r = this.db.prepare('SELECT file FROM checkpoints WHERE run_id = ? AND iteration = ?').get(runId, iteration) as { file: string } | undefined;
    return r?.file ?? null;
  }

  runDir(id: number): string | null {
    const r = this.db.prepare('SELECT dir FROM runs WHERE id = ?').get(id) as { dir: string } | undefined;
    return r ? this.runFolder(r.dir) : null;
  }

  /** The path of `dir` inside the data folder, or null when it lies elsewhere. */
  private inside(dir: string): string | null {
    const rel = relative(this.root, dir);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : null;
  }

  private storedDir(dir: string): string {
    return this.inside(dir) ?? dir;
  }

  /**
   * A stored run folder as a path. Databases before relative folders hold
   * absolute ones: one under another data folder's runs/ (this folder was
   * moved or copied) means this folder's runs/ entry of that name, when it
   * has one, so a copy never reads or writes the original's runs.
   */
  private runFolder(stored: string): string {
    if (!isAbsolute(stored)) return join(this.root, stored);
    if (this.inside(stored) !== null) return stored;
    const here = join(this.root, 'runs', basename(stored));
    return basename(dirname(stored)) === 'runs' && existsSync(here) ? here : stored;
  }

  /** The process a running run was started in (null: none recorded, or no such run); identity null where the platform gave none. */
  runProcess(id: number): { pid: number; identity: ProcessIdentity | null } | null {
    const r = this.db.prepare('SELECT pid, pid_identity FROM runs WHERE id = ?').get(id) as { pid: number | null; pid_identity: string | null } | undefined;
    if (!r?.pid) return null;
    return { pid: r.pid, identity: r.pid_identity ? (JSON.parse(r.pid_identity) as ProcessIdentity) : null };
  }

  /** The run that retried `id` (its next attempt), if any. */
  nextAttemptOf(id: number): number | null {
    const r = this.db.prepare('SELECT id FROM runs WHERE retry_of = ? ORDER BY id LIMIT 1').get(id) as { id: number } | undefined;
    return r?.id ?? null;
  }

  listRuns(q: ListRunsQuery = {}): RunRow[] {
    const { where, args } = runFilter(q);
    return (this.db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r ${where} ORDER BY r.id DESC LIMIT ? OFFSET ?`).all(...args, q.limit ?? 100, q.offset ?? 0) as RunDbRow[]).map(toRow);
  }

  countRuns(q: RunFilter = {}): number {
    const { where, args } = runFilter(q);
    return (this.db.prepare(`SELECT count(*) AS n FROM runs r ${where}`).get(...args) as { n: number }).n;
  }

  /** Queued runs whose dependencies all succeeded, best first. */
  runnable(limit: number): RunRow[] {
    return (
      this.db
        .prepare(
          `SELECT ${RUN_COLUMNS} FROM runs r WHERE r.status = 'queued'
           AND NOT EXISTS (SELECT 1 FROM run_dependencies d JOIN runs u ON u.id = d.depends_on WHERE d.run_id = r.id AND u.status <> 'succeeded')
           ORDER BY r.priority DESC, r.id LIMIT ?`,
        )
        .all(limit) as RunDbRow[]
    ).map(toRow);
  }

  /** Marks every queued run that (transitively) depends on a failed or cancelled run as blocked; returns their ids. */
  blockDependents(): number[] {
    const ids = (
      this.db
        .prepare(
          `WITH RECURSIVE bad(id) AS (
             SELECT id FROM runs WHERE status IN ('failed', 'cancelled', 'blocked')
             UNION SELECT d.run_id FROM run_dependencies d JOIN bad ON d.depends_on = bad.id
           )
           SELECT r.id FROM runs r JOIN bad ON bad.id = r.id WHERE r.status = 'queued'`,
        )
        .all() as { id: number }[]
    ).map((r) => r.id);
    const mark = this.db.prepare("UPDATE runs SET status = 'blocked', error = 'a run it depends on did not succeed' WHERE id = ?");
    this.db.transaction(() => ids.forEach((id) => mark.run(id)))();
    return ids;
  }

  /** Blocked runs downstream of `id`, through any chain of blocked runs. */
  blockedDependents(id: number): number[] {
    return (
      this.db
        .prepare(
          `WITH RECURSIVE down(id) AS (
             SELECT d.run_id FROM run_dependencies d JOIN runs r ON r.id = d.run_id WHERE d.depends_on = ? AND r.status = 'blocked'
             UNION SELECT d.run_id FROM run_dependencies d JOIN down ON d.depends_on = down.id JOIN runs r ON r.id = d.run_id WHERE r.status = 'blocked'
           )
           SELECT id FROM down`,
        )
        .all(id) as { id: number }[]
    ).map((r) => r.id);
  }

  dependents(id: number): number[] {
    return (this.db.prepare('SELECT run_id FROM run_dependencies WHERE depends_on = ?').all(id) as { run_id: number }[]).map((r) => r.run_id);
  }

  /**
   * The runs that depend on `from` depend on `to` instead, in one transaction:
   * their dependency rows and their config references (run:<from> becomes
   * run:<to>) move, and those that were blocked wait again.
   */
  retargetDependents(from: number, to: number): void {
    const move = this.db.prepare('UPDATE run_dependencies SET depends_on = ? WHERE run_id = ? AND depends_on = ?');
    const unblock = this.db.prepare(REQUEUE_BLOCKED);
    const setConfig = this.db.prepare('UPDATE runs SET config = ? WHERE id = ?');
    this.db.transaction(() => {
      for (const dependent of this.dependents(from)) {
        move.run(to, dependent, from);
        unblock.run(dependent);
        setConfig.run(JSON.stringify(replaceRefs(this.runConfig(dependent), (ref) => (ref.kind === 'run' && ref.id === from ? formatRef({ kind: 'run', id: to }) : undefined))), dependent);
      }
    })();
  }

  /** Of `ids`, the runs that are blocked wait (queued) again, in one transaction. */
  requeueBlocked(ids: number[]): void {
    const unblock = this.db.prepare(REQUEUE_BLOCKED);
    this.db.transaction(() => ids.forEach((id) => unblock.run(id)))();
  }

  updateRun(
    id: number,
    fields: Partial<{
      status: RunStatus;
      startedAt: number | null;
      finishedAt: number | null;
      error: string | null;
      backend: string;
      /** Setting the pid sets its identity too (null when not given). */
      pid: number | null;
      pidIdentity: ProcessIdentity | null;
      priority: number;
      summary: unknown;
      placement: StoredPlacement | null;
    }>,
  ): void {
    if (fields.pid !== undefined) fields = { pidIdentity: null, ...fields };
    const map: Record<string, string> = {
      status: 'status',
      startedAt: 'started_at',
      finishedAt: 'finished_at',
      error: 'error',
      backend: 'backend',
      pid: 'pid',
      pidIdentity: 'pid_identity',
      priority: 'priority',
      summary: 'summary',
      placement: 'placement',
    };
    const sets: string[] = [];
    const args: unknown[] = [];
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      sets.push(`${map[k]} = ?`);
      args.push((k === 'summary' || k === 'placement' || k === 'pidIdentity') && v !== null ? JSON.stringify(v) : v);
    }
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = ?`).run(...args, id);
  }

  /**
   * Final numbers from a run summary. Its env steps count too: a sample or
   * eval run reports no per-iteration metrics, only the steps in its summary.
   */
  setFinal(id: number, mean: number | null, std: number | null, episodes: number | null, envSteps = 0): void {
    this.db
      .prepare('UPDATE runs SET final_mean = ?, final_std = ?, final_episodes = ?, env_steps = max(env_steps, ?) WHERE id = ?')
      .run(mean, std, episodes, envSteps, id);
  }

  deleteRun(id: number): void {
    this.db.prepare('DELETE FROM runs WHERE id = ?').run(id);
  }

  setTags(id: number, tags: string[]): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM tags WHERE run_id = ?').run(id);
      const ins = this.db.prepare('INSERT INTO tags (run_id, tag) VALUES (?, ?)');
      for (const t of new Set(tags)) ins.run(id, t);
    })();
  }

  /** Every tag in use with the runs that carry it. */
  listTags(): { tag: string; runIds: number[] }[] {
    const rows = this.db.prepare('SELECT tag, group_concat(run_id) AS ids FROM tags GROUP BY tag ORDER BY tag').all() as { tag: string; ids: string }[];
    return rows.map((r) => ({ tag: r.tag, runIds: r.ids.split(',').map(Number).sort((a, b) => a - b) }));
  }

  runTags(id: number): string[] {
    return (this.db.prepare('SELECT tag FROM tags WHERE run_id = ? ORDER BY tag').all(id) as { tag: string }[]).map((t) => t.tag);
  }

  // ---- progress ----------------------------------------------------------

  private nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) {
      this.db.prepare('INSERT OR IGNORE INTO metric_names (name) VALUES (?)').run(name);
      id = (this.db.prepare('SELECT id FROM metric_names WHERE name = ?').get(name) as { id: number }).id;
      this.nameIds.set(name, id);
    }
    return id;
  }

  private statements = new Map<string, Database.Statement>();

  /** Prepared once per Store: preparing costs ~10 µs, paid per call otherwise. */
  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** One iteration's metric rows, in one transaction; a replayed iteration overwrites its rows. */
  insertMetrics(runId: number, iteration: number, envSteps: number, values: Record<string, number>): void {
    this.insertMetricRows([{ runId, iteration, envSteps, values }]);
  }

  insertMetricBatch(runId: number, rows: { iteration: number; envSteps: number; values: Record<string, number> }[]): void {
    this.insertMetricRows(rows.map((r) => ({ runId, ...r })));
  }

  /**
   * Metric rows of any runs in one transaction (the coordinator batches what
   * its runs report): each run's iteration counter moves to its newest row.
   */
  insertMetricRows(rows: { runId: number; iteration: number; envSteps: number; values: Record<string, number> }[]): void {
    if (rows.length === 0) return;
    const insert = this.stmt('INSERT OR REPLACE INTO metrics (run_id, name_id, step, env_steps, value) VALUES (?, ?, ?, ?, ?)');
    const progress = this.stmt('UPDATE runs SET iteration = max(iteration, ?), env_steps = max(env_steps, ?) WHERE id = ?');
    this.db.transaction(() => {
      const newest = new Map<number, { iteration: number; envSteps: number }>();
      for (const r of rows) {
        for (const name in r.values) {
          const v = r.values[name];
          insert.run(r.runId, this.nameId(name), r.iteration, r.envSteps, Number.isFinite(v) ? v : null);
        }
        const n = newest.get(r.runId);
        if (!n || r.iteration > n.iteration) newest.set(r.runId, r);
      }
      for (const [runId, n] of newest) progress.run(n.iteration, n.envSteps, runId);
    })();
  }

  /** Stores a run's learning-health warning (null clears it). */
  setHealth(runId: number, health: RunHealth | null): void {
    this.stmt('UPDATE runs SET health = ? WHERE id = ?').run(health ? JSON.stringify(health) : null, runId);
  }

  /** The newest iteration whose metric rows are all stored (they are written per iteration, atomically). */
  lastStoredStep(runId: number): number {
    const r = this.stmt('SELECT max(step) AS s FROM metrics WHERE run_id = ?').get(runId) as { s: number | null };
    return r.s ?? 0;
  }

  /** After a resume from checkpoint `iteration`, the run's counters go back to it (rows are overwritten as they come). */
  rewindProgress(runId: number, iteration: number, envSteps: number): void {
    this.db.prepare('UPDATE runs SET iteration = ?, env_steps = ? WHERE id = ?').run(iteration, envSteps, runId);
  }

  insertEvaluation(runId: number, iteration: number, envSteps: number, final: boolean, r: EvaluationResult): void {
    this.db.transaction(() => {
      this.db
        .prepare('INSERT OR REPLACE INTO evaluations (run_id, iteration, env_steps, final, mode, episodes, mean, std, returns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(runId, iteration, envSteps, final ? 1 : 0, r.mode, r.episodes, r.mean, r.std, JSON.stringify(r.returns));
      if (r.mode === 'deterministic') {
        this.db.prepare('UPDATE runs SET last_eval = ?, max_eval = max(coalesce(max_eval, ?), ?) WHERE id = ?').run(r.mean, r.mean, r.mean, runId);
      }
    })();
  }

  /** The env steps a run had taken at its checkpoint of `iteration` (null: no such checkpoint). */
  checkpointEnvSteps(runId: number, iteration: number): number | null {
    const r = this.db.prepare('SELECT env_steps FROM checkpoints WHERE run_id = ? AND iteration = ?').get(runId, iteration) as { env_steps: number } | undefined;
    return r?.env_steps ?? null;
  }

  insertCheckpoint(runId: number, iteration: number, envSteps: number, file: string): void {
    this.db.prepare('INSERT OR REPLACE INTO checkpoints (run_id, iteration, env_steps, file, created_at) VALUES (?, ?, ?, ?, ?)').run(runId, iteration, envSteps, file, Date.now());
  }

  /**
   * Succeeded imitation runs (BC, GAIL) with a final return, the results
   * table's input, ordered by env, kind, k and id; of one sweep if given.
   */
  succeededImitationRuns(sweepId?: number): ImitationRunRow[] {
    return this.db
      .prepare(
        `SELECT id, env, kind, trajectories, final_mean, config, health FROM runs
         WHERE status = 'succeeded' AND kind IN ('bc', 'gail') AND final_mean IS NOT NULL ${sweepId !== undefined ? 'AND sweep_id = ?' : ''}
         ORDER BY env, kind, trajectories, id`,
      )
      .all(...(sweepId !== undefined ? [sweepId] : [])) as ImitationRunRow[];
  }

  /** Per run, the mean of its last `count` periodic deterministic evaluations (one query for all runs). */
  lastEvaluationMeans(ids: number[], count: number): Map<number, number> {
    const out = new Map<number, number>();
    if (ids.length === 0) return out;
    const rows = this.db
      .prepare(
        `SELECT run_id, avg(mean) AS m FROM (
           SELECT run_id, mean, row_number() OVER (PARTITION BY run_id ORDER BY iteration DESC) AS k
           FROM evaluations WHERE final = 0 AND mode = 'deterministic' AND run_id IN (SELECT value FROM json_each(?))
         ) WHERE k <= ? GROUP BY run_id`,
      )
      .all(JSON.stringify(ids), count) as { run_id: number; m: number }[];
    for (const r of rows) out.set(r.run_id, r.m);
    return out;
  }

  metricNames(runId: number): string[] {
    return (
      this.db.prepare('SELECT DISTINCT n.name FROM metrics m JOIN metric_names n ON n.id = m.name_id WHERE m.run_id = ? ORDER BY n.name').all(runId) as { name: string }[]
    ).map((r) => r.name);
  }

  /**
   * Each named series from `sinceStep` on, downsampled with LTTB to maxPoints
   * unless raw. Columns are read one at a time with pluck: building one JS
   * array per row costs ~5× more than the scan itself (100k rows: 12 ms per
   * plucked column against ~70 ms for rows of three).
   */
  getMetrics(runId: number, names: string[], q: MetricsQuery = {}): MetricSeries[] {
    const since = q.sinceStep ?? 0;
    const until = q.untilStep ?? Number.MAX_SAFE_INTEGER;
    const max = q.maxPoints ?? 1500;
    const column = (col: 'step' | 'env_steps' | 'value') =>
      this.stmt(`SELECT ${col} FROM metrics WHERE run_id = ? AND name_id = ? AND step >= ? AND step <= ? ORDER BY step`).pluck(true);
    return names.map((name) => {
      const nameRow = this.stmt('SELECT id FROM metric_names WHERE name = ?').get(name) as { id: number } | undefined;
      if (!nameRow) return { name, steps: [], envSteps: [], values: [], total: 0 };
      const args = [runId, nameRow.id, since, until];
      const steps = column('step').all(...args) as number[];
      const values = column('value').all(...args) as (number | null)[];
      const envSteps = column('env_steps').all(...args) as number[];
      const total = steps.length;
      if (q.raw || total <= max) return { name, steps, envSteps, values, total };
      const keep = lttbIndices(steps, values.map((v) => v ?? 0), max);
      return { name, steps: keep.map((i) => steps[i]), envSteps: keep.map((i) => envSteps[i]), values: keep.map((i) => values[i]), total };
    });
  }

  /** Every metric row of a run, ordered by step then name (for CSV export). */
  allMetrics(runId: number): { step: number; envSteps: number; name: string; value: number | null }[] {
    return this.db
      .prepare('SELECT m.step AS step, m.env_steps AS envSteps, n.name AS name, m.value AS value FROM metrics m JOIN metric_names n ON n.id = m.name_id WHERE m.run_id = ? ORDER BY m.step, n.name')
      .all(runId) as { step: number; envSteps: number; name: string; value: number | null }[];
  }

  metricRowCount(runId?: number): number {
    const r = runId === undefined ? this.db.prepare('SELECT count(*) AS n FROM metrics').get() : this.db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(runId);
    return (r as { n: number }).n;
  }

  // ---- datasets and trajectories ----------------------------------------

  /** Stores a dataset and all its trajectories in one transaction: all or nothing. */
  insertDataset(d: Dataset, name: string, sourceRunId: number | null): number {
    const stats = datasetStats(d);
    return this.db.transaction(() => {
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO datasets (id, name, env, obs_dim, act_dim, nq, nv, source_run_id, source, trajectories, steps, mean_return, std_return, created_at) VALUES (${NEXT_ID('datasets')}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(name, d.env, d.obsDim, d.actDim, d.nq, d.nv, sourceRunId, JSON.stringify(d.source), stats.trajectories, stats.steps, stats.meanReturn, stats.stdReturn, Date.now()).lastInsertRowid,
      );
      this.insertTrajectories({ datasetId: id }, d.trajectories, '');
      return id;
    })();
  }

  insertTrajectories(owner: { datasetId: number } | { runId: number }, ts: Trajectory[], label: string, startIdx = 0): void {
    const stmt = this.db.prepare(
      'INSERT INTO trajectories (dataset_id, run_id, idx, label, length, return, terminated, obs, actions, rewards, qpos, qvel) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const datasetId = 'datasetId' in owner ? owner.datasetId : null;
    const runId = 'runId' in owner ? owner.runId : null;
    this.db.transaction(() => {
      ts.forEach((t, i) =>
        stmt.run(datasetId, runId, startIdx + i, label, t.length, t.return, t.terminated ? 1 : 0, f32(t.obs), f32(t.actions), f32(t.rewards), f64(t.qpos), f64(t.qvel)),
      );
    })();
  }

  listDatasets(): DatasetRow[] {
    return (this.db.prepare('SELECT * FROM datasets ORDER BY id DESC').all() as Record<string, number & string>[]).map((d) => ({
      id: d.id,
      name: d.name,
      env: d.env as EnvId,
      obsDim: d.obs_dim,
      actDim: d.act_dim,
      sourceRunId: d.source_run_id,
      trajectories: d.trajectories,
      steps: d.steps,
      meanReturn: d.mean_return,
      stdReturn: d.std_return,
      createdAt: d.created_at,
    }));
  }

  getDatasetRow(id: number): DatasetRow | null {
    return this.listDatasets().find((d) => d.id === id) ?? null;
  }

  datasetBySourceRun(runId: number): number | null {
    const r = this.db.prepare('SELECT id FROM datasets WHERE source_run_id = ? ORDER BY id DESC LIMIT 1').get(runId) as { id: number } | undefined;
    return r?.id ?? null;
  }

  /** A dataset with its trajectories (the first `limit`), as the learning code uses it. */
  loadDataset(id: number, limit = Infinity): Dataset | null {
    const d = this.db.prepare('SELECT * FROM datasets WHERE id = ?').get(id) as Record<string, number & string> | undefined;
    if (!d) return null;
    const rows = this.db
      .prepare('SELECT * FROM trajectories WHERE dataset_id = ? ORDER BY idx LIMIT ?')
      .all(id, Number.isFinite(limit) ? limit : -1) as TrajectoryDbRow[];
    return {
      env: d.env,
      obsDim: d.obs_dim,
      actDim: d.act_dim,
      nq: d.nq,
      nv: d.nv,
      source: JSON.parse(d.source) as Record<string, string>,
      trajectories: rows.map(decodeTrajectoryRow),
    };
  }

  deleteDataset(id: number): void {
    this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id);
  }

  listTrajectories(owner: { datasetId: number } | { runId: number }): { id: number; idx: number; label: string; length: number; return: number; terminated: boolean; hasStates: boolean }[] {
    const col = 'datasetId' in owner ? 'dataset_id' : 'run_id';
    const key = 'datasetId' in owner ? owner.datasetId : owner.runId;
    // Imported .npz data stores an empty qpos: observations only, nothing to pose in 3D.
    return (this.db.prepare(`SELECT id, idx, label, length, return, terminated, length(qpos) > 0 AS hasStates FROM trajectories WHERE ${col} = ? ORDER BY label, idx`).all(key) as {
      id: number;
      idx: number;
      label: string;
      length: number;
      return: number;
      terminated: number;
      hasStates: number;
    }[]).map((t) => ({ ...t, terminated: t.terminated === 1, hasStates: t.hasStates === 1 }));
  }

  /** Where a trajectory comes from, for labels: its dataset or run, by name. */
  trajectorySource(id: number): { datasetId: number | null; runId: number | null; name: string } | null {
    const r = this.db
      .prepare(
        `SELECT t.dataset_id AS datasetId, t.run_id AS runId, coalesce(d.name, r.name, '') AS name FROM trajectories t
         LEFT JOIN datasets d ON d.id = t.dataset_id LEFT JOIN runs r ON r.id = t.run_id WHERE t.id = ?`,
      )
      .get(id) as { datasetId: number | null; runId: number | null; name: string } | undefined;
    return r ?? null;
  }

  getTrajectory(id: number): (StoredTrajectory & { idx: number; env: string; nq: number; nv: number }) | null {
    const t = this.db
      .prepare(
        `SELECT t.*, coalesce(d.env, r.env) AS env, coalesce(d.nq, -1) AS nq, coalesce(d.nv, -1) AS nv FROM trajectories t
         LEFT JOIN datasets d ON d.id = t.dataset_id LEFT JOIN runs r ON r.id = t.run_id WHERE t.id = ?`,
      )
      .get(id) as (TrajectoryDbRow & { env: string; nq: number; nv: number }) | undefined;
    return t ? { ...decodeTrajectoryRow(t), idx: t.idx, env: t.env, nq: t.nq, nv: t.nv } : null;
  }

  // ---- sweeps and settings -------------------------------------------------

  createSweep(name: string, spec: unknown): number {
    return Number(this.db.prepare('INSERT INTO sweeps (name, spec, created_at) VALUES (?, ?, ?)').run(name, JSON.stringify(spec), Date.now()).lastInsertRowid);
  }

  listSweeps(): { id: number; name: string; createdAt: number; runs: number }[] {
    return this.db
      .prepare('SELECT s.id, s.name, s.created_at AS createdAt, (SELECT count(*) FROM runs r WHERE r.sweep_id = s.id) AS runs FROM sweeps s ORDER BY s.id DESC')
      .all() as { id: number; name: string; createdAt: number; runs: number }[];
  }

  getSetting<T>(key: string, fallback: T): T {
    const r = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return r ? (JSON.parse(r.value) as T) : fallback;
  }

  setSetting(key: string, value: unknown): void {
    this.db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(key, JSON.stringify(value));
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }
}

interface TrajectoryDbRow {
  id: number;
  idx: number;
  label: string;
  length: number;
  return: number;
  terminated: number;
  obs: Buffer;
  actions: Buffer;
  rewards: Buffer;
  qpos: Buffer;
  qvel: Buffer;
}

function decodeTrajectoryRow(t: TrajectoryDbRow): StoredTrajectory {
  return {
    id: t.id,
    label: t.label,
    length: t.length,
    return: t.return,
    terminated: t.terminated === 1,
    obs: blobF32(t.obs),
    actions: blobF32(t.actions),
    rewards: blobF32(t.rewards),
    qpos: blobF64(t.qpos),
    qvel: blobF64(t.qvel),
  };
}
