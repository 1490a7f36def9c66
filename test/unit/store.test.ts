/**
 * The run database: schema migrations (and refusing a newer database without
 * touching it), the queue's dependency queries, metric rows that a replayed
 * iteration overwrites, downsampled curves, bit-exact datasets, cascading
 * deletes and settings. Every test works on its own database in a temp dir.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCHEMA_VERSION } from '../../src/main/core/store/migrations';
import { type NewRun, Store } from '../../src/main/core/store/store';
import { type Dataset, type Trajectory } from '../../src/main/core/data/dataset';
import type { EvaluationResult } from '../../src/shared/progress';
import { ImlabError } from '../../src/shared/errors';
import { withReadDb } from '../helpers/db';

let dir: string;
let stores: Store[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'imlab-store-'));
  stores = [];
});

afterEach(() => {
  // Close before removing: an open WAL connection keeps -wal/-shm files alive.
  for (const s of stores) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(name = 'runs.db', options: { readonly?: boolean } = {}): Store {
  const s = new Store(join(dir, name), options);
  stores.push(s);
  return s;
}

function run(name: string, over: Partial<NewRun> = {}): NewRun {
  return { name, kind: 'expert', env: 'Hopper-v5', method: 'trpo', trajectories: null, seed: 0, config: { kind: 'expert' }, ...over };
}

const dirOf = (id: number) => `/runs/${id}`;
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** The ImlabError `f` throws (fails the test if it does not throw one). */
function thrown(f: () => unknown): ImlabError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ImlabError);
    return e as ImlabError;
  }
  throw new Error('expected an ImlabError');
}

function evaluation(mean: number, mode: EvaluationResult['mode'] = 'deterministic'): EvaluationResult {
  return { mode, episodes: 2, mean, std: 1, returns: [mean - 1, mean + 1], lengths: [1000, 1000] };
}

const TABLES = ['checkpoints', 'datasets', 'evaluations', 'id_high_water', 'metric_names', 'metrics', 'run_dependencies', 'runs', 'settings', 'sweeps', 'tags', 'trajectories'];

function tables(name = 'runs.db'): string[] {
  return withReadDb(join(dir, name), (db) => (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map((r) => r.name));
}

/** A pragma of the database file, read as the Store's connections see it. */
function pragma(name: string, file = 'runs.db'): unknown {
  return withReadDb(join(dir, file), (db) => db.pragma(name, { simple: true }));
}

describe('opening and migrating the database', () => {
  it('creates the schema on a new file and sets user_version to SCHEMA_VERSION', () => {
    open();
    expect(tables()).toEqual(TABLES);
    expect(pragma('user_version')).toBe(SCHEMA_VERSION);
    expect(pragma('foreign_keys')).toBe(1);
  });

  it('uses WAL journaling so readers never block the writer', () => {
    open();
    expect(pragma('journal_mode')).toBe('wal');
  });

  it('reopening a current database keeps its data and runs no migration twice', () => {
    const a = open();
    const [id] = a.createRuns([run('kept')], dirOf);
    a.close();
    const b = open();
    expect(b.getRun(id)?.name).toBe('kept');
    expect(pragma('user_version')).toBe(SCHEMA_VERSION);
  });

  it('migrates an older database (user_version 0, no tables)', () => {
    const path = join(dir, 'old.db');
    const raw = new Database(path);
    // Create and drop a table so the file is a real (non-empty) database with no tables left.
    raw.exec('CREATE TABLE t (x); DROP TABLE t;');
    raw.pragma('user_version = 0');
    raw.close();
    const s = open('old.db');
    expect(pragma('user_version', 'old.db')).toBe(SCHEMA_VERSION);
    expect(tables('old.db')).toEqual(TABLES);
    expect(s.integrityCheck()).toBe('ok');
  });

  /** A database as a newer app would leave it: a table we do not know and a higher user_version. */
  function newerDatabase(name: string, journal: 'delete' | 'wal'): string {
    const path = join(dir, name);
    const raw = new Database(path);
    raw.pragma(`journal_mode = ${journal}`);
    raw.exec("CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('from the future');");
    raw.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    raw.close();
    return path;
  }

  it('refuses a newer database (rollback journal, as better-sqlite3 creates it) with an ImlabError and leaves its bytes unchanged', () => {
    const path = newerDatabase('newer.db', 'delete');
    const before = sha256(path);
    const files = readdirSync(dir).sort();
    const e = thrown(() => open('newer.db'));
    expect(e.message).toMatch(/newer/);
    // The message promises "the database was not changed": hold it to that, byte for byte.
    // Header bytes 18–19 are the file format versions: 1,1 = rollback journal, 2,2 = WAL.
    expect([...readFileSync(path).subarray(18, 20)], 'journal mode in the file header').toEqual([1, 1]);
    expect(sha256(path)).toBe(before);
    expect(readdirSync(dir).sort()).toEqual(files);
  });

  it('refuses a newer database in WAL mode with an ImlabError and leaves its bytes unchanged', () => {
    const path = newerDatabase('newer-wal.db', 'wal');
    const before = sha256(path);
    const e = thrown(() => open('newer-wal.db'));
    expect(e.message).toMatch(/newer/);
    expect(sha256(path)).toBe(before);
  });

  it('refuses a newer database when opened read-only too', () => {
    const path = newerDatabase('newer-ro.db', 'wal');
    const before = sha256(path);
    expect(thrown(() => open('newer-ro.db', { readonly: true })).message).toMatch(/newer/);
    expect(sha256(path)).toBe(before);
  });

  it('a read-only store sees what the writer committed', () => {
    const w = open();
    const [id] = w.createRuns([run('seen')], dirOf);
    const r = open('runs.db', { readonly: true });
    expect(r.getRun(id)?.name).toBe('seen');
  });
});

describe('runs and dependencies', () => {
  it('runnable() returns a dependent only after its upstream succeeded, ordered by priority desc then id', () => {
    const s = open();
    // 0:A  1:B (needs A, prio 5)  2:C (prio 1)  3:D (prio 1)  4:E (needs B, prio 9)
    const [a, b, c, d, e] = s.createRuns(
      [run('A'), run('B', { dependsOn: [0], priority: 5 }), run('C', { priority: 1 }), run('D', { priority: 1 }), run('E', { dependsOn: [1], priority: 9 })],
      dirOf,
    );
    expect(s.getRun(b)?.dependsOn).toEqual([a]);
    expect(s.runnable(10).map((r) => r.id)).toEqual([c, d, a]);
    expect(s.runnable(2).map((r) => r.id)).toEqual([c, d]);

    s.updateRun(a, { status: 'running' });
    expect(s.runnable(10).map((r) => r.id)).toEqual([c, d]);
    s.updateRun(a, { status: 'succeeded' });
    expect(s.runnable(10).map((r) => r.id)).toEqual([b, c, d]);

    s.updateRun(b, { status: 'succeeded' });
    expect(s.runnable(10).map((r) => r.id)).toEqual([e, c, d]);
  });

  it('runnable() waits for every upstream, including existing runs referenced by { id }', () => {
    const s = open();
    const [u1, u2] = s.createRuns([run('u1'), run('u2')], dirOf);
    const [down] = s.createRuns([run('down', { dependsOn: [{ id: u1 }, { id: u2 }], priority: 100 })], dirOf);
    expect(s.getRun(down)?.dependsOn.sort((x, y) => x - y)).toEqual([u1, u2]);
    s.updateRun(u1, { status: 'succeeded' });
    expect(s.runnable(10).map((r) => r.id)).not.toContain(down);
    s.updateRun(u2, { status: 'succeeded' });
    expect(s.runnable(10)[0].id).toBe(down);
  });

  it('blockDependents() blocks the transitive dependents of a failed run and leaves the rest queued', () => {
    const s = open();
    // A ← B ← C, and D independent; E depends on both D and B.
    const [a, b, c, d, e] = s.createRuns([run('A'), run('B', { dependsOn: [0] }), run('C', { dependsOn: [1] }), run('D'), run('E', { dependsOn: [3, 1] })], dirOf);
    s.updateRun(a, { status: 'failed' });
    expect(s.blockDependents().sort((x, y) => x - y)).toEqual([b, c, e]);
    expect(s.getRun(a)?.status).toBe('failed');
    for (const id of [b, c, e]) {
      expect(s.getRun(id)?.status).toBe('blocked');
      expect(s.getRun(id)?.error).toMatch(/depends on/);
    }
    expect(s.getRun(d)?.status).toBe('queued');
    // Nothing left to block: a second call is a no-op.
    expect(s.blockDependents()).toEqual([]);
    expect(s.runnable(10).map((r) => r.id)).toEqual([d]);
  });

  it('blockDependents() also blocks dependents of a cancelled run but not of a succeeded one', () => {
    const s = open();
    const [a, b, c, d] = s.createRuns([run('A'), run('B', { dependsOn: [0] }), run('C'), run('D', { dependsOn: [2] })], dirOf);
    s.updateRun(a, { status: 'cancelled' });
    s.updateRun(c, { status: 'succeeded' });
    expect(s.blockDependents()).toEqual([b]);
    expect(s.getRun(d)?.status).toBe('queued');
  });

  it('"run:#<i>" references in a batch config become "run:<id>"', () => {
    const s = open();
    const [a, b, c] = s.createRuns(
      [run('expert'), run('sample', { config: { kind: 'sample', policy: 'run:#0' }, dependsOn: [0] }), run('gail', { config: { kind: 'gail', dataset: 'run:#1', list: ['run:#0', 'run:#1'], note: 'run:#x' }, dependsOn: [1] })],
      dirOf,
    );
    expect(s.runConfig(a)).toEqual({ kind: 'expert' });
    expect(s.runConfig(b)).toEqual({ kind: 'sample', policy: `run:${a}` });
    expect(s.runConfig(c)).toEqual({ kind: 'gail', dataset: `run:${b}`, list: [`run:${a}`, `run:${b}`], note: 'run:#x' });
    expect(s.runDir(c)).toBe(dirOf(c));
  });

  it('listRuns pages newest first and filters by status; countRuns agrees', () => {
    const s = open();
    const ids = s.createRuns(Array.from({ length: 7 }, (_, i) => run(`r${i}`)), dirOf);
    s.updateRun(ids[1], { status: 'failed' });
    s.updateRun(ids[4], { status: 'failed' });
    expect(s.listRuns({ limit: 3 }).map((r) => r.id)).toEqual([ids[6], ids[5], ids[4]]);
    expect(s.listRuns({ limit: 3, offset: 3 }).map((r) => r.id)).toEqual([ids[3], ids[2], ids[1]]);
    expect(s.listRuns({ status: ['failed'] }).map((r) => r.id)).toEqual([ids[4], ids[1]]);
    expect(s.countRuns()).toBe(7);
    expect(s.countRuns({ status: ['failed', 'queued'] })).toBe(7);
    expect(s.countRuns({ status: ['failed'] })).toBe(2);
  });
});

describe('metrics', () => {
  it('insertMetrics twice for the same (run, name, step) leaves one row with the last value', () => {
    const s = open();
    const [id] = s.createRuns([run('m')], dirOf);
    s.insertMetrics(id, 1, 100, { loss: 1, reward: 2 });
    s.insertMetrics(id, 1, 120, { loss: 3 });
    expect(s.metricRowCount(id)).toBe(2);
    expect(s.metricRowCount()).toBe(2);
    const [loss, reward] = s.getMetrics(id, ['loss', 'reward'], { raw: true });
    expect(loss).toEqual({ name: 'loss', steps: [1], envSteps: [120], values: [3], total: 1 });
    expect(reward).toEqual({ name: 'reward', steps: [1], envSteps: [100], values: [2], total: 1 });
  });

  it('metricRowCount counts rows per run and overall', () => {
    const s = open();
    const [a, b] = s.createRuns([run('a'), run('b')], dirOf);
    for (let i = 0; i < 4; i++) s.insertMetrics(a, i, i * 10, { x: i, y: -i, z: 0 });
    s.insertMetrics(b, 0, 0, { x: 1 });
    expect(s.metricRowCount(a)).toBe(12);
    expect(s.metricRowCount(b)).toBe(1);
    expect(s.metricRowCount()).toBe(13);
  });

  it('stores non-finite values as null rather than failing the iteration', () => {
    const s = open();
    const [id] = s.createRuns([run('nan')], dirOf);
    s.insertMetrics(id, 0, 0, { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: 1.5 });
    expect(s.getMetrics(id, ['a', 'b', 'c']).map((m) => m.values)).toEqual([[null], [null], [1.5]]);
  });

  it('insertMetricBatch advances the run counters to the highest iteration, never backwards', () => {
    const s = open();
    const [id] = s.createRuns([run('progress')], dirOf);
    s.insertMetricBatch(id, [
      { iteration: 3, envSteps: 3000, values: { a: 3 } },
      { iteration: 5, envSteps: 5000, values: { a: 5 } },
      { iteration: 4, envSteps: 4000, values: { a: 4 } },
    ]);
    expect(s.getRun(id)).toMatchObject({ iteration: 5, envSteps: 5000 });
    s.insertMetrics(id, 2, 2000, { a: 2 });
    expect(s.getRun(id)).toMatchObject({ iteration: 5, envSteps: 5000 });
    s.insertMetricBatch(id, []);
    expect(s.metricRowCount(id)).toBe(4);
  });

  it('getMetrics returns the raw series ordered by step, only of the asked run', () => {
    const s = open();
    const [a, b] = s.createRuns([run('a'), run('b')], dirOf);
    for (const step of [5, 1, 3, 2, 4]) s.insertMetrics(a, step, step * 100, { r: step * step });
    s.insertMetrics(b, 9, 900, { r: -1 });
    const [r] = s.getMetrics(a, ['r']);
    expect(r).toEqual({ name: 'r', steps: [1, 2, 3, 4, 5], envSteps: [100, 200, 300, 400, 500], values: [1, 4, 9, 16, 25], total: 5 });
    expect(s.getMetrics(a, ['unknown'])).toEqual([{ name: 'unknown', steps: [], envSteps: [], values: [], total: 0 }]);
  });

  it('getMetrics with sinceStep returns only steps ≥ sinceStep', () => {
    const s = open();
    const [id] = s.createRuns([run('since')], dirOf);
    s.insertMetricBatch(
      id,
      Array.from({ length: 10 }, (_, i) => ({ iteration: i, envSteps: i * 10, values: { v: i } })),
    );
    const [v] = s.getMetrics(id, ['v'], { sinceStep: 7 });
    expect(v.steps).toEqual([7, 8, 9]);
    expect(v.values).toEqual([7, 8, 9]);
    expect(v.total).toBe(3);
    expect(s.getMetrics(id, ['v'], { sinceStep: 100 })[0].steps).toEqual([]);
  });

  it('getMetrics downsamples to exactly maxPoints, keeps the ends, and reports the stored row count as total', () => {
    const s = open();
    const [id] = s.createRuns([run('long')], dirOf);
    const n = 5000;
    s.insertMetricBatch(
      id,
      Array.from({ length: n }, (_, i) => ({ iteration: i, envSteps: i * 1024, values: { reward: Math.sin(i / 50) * 100 + (i === 2500 ? 1e4 : 0), loss: 1 / (i + 1) } })),
    );
    const [reward, loss] = s.getMetrics(id, ['reward', 'loss'], { maxPoints: 200 });
    for (const m of [reward, loss]) {
      expect(m.steps.length).toBe(200);
      expect(m.envSteps.length).toBe(200);
      expect(m.values.length).toBe(200);
      expect(m.total).toBe(n);
      expect(m.steps[0]).toBe(0);
      expect(m.steps[199]).toBe(n - 1);
      // envSteps and values stay paired with their step.
      m.steps.forEach((step, i) => expect(m.envSteps[i]).toBe(step * 1024));
    }
    expect(reward.values).toContain(Math.sin(2500 / 50) * 100 + 1e4);
    expect(s.getMetrics(id, ['reward'], { maxPoints: 200, raw: true })[0].steps.length).toBe(n);
    // The default cap (1500) applies when maxPoints is not given.
    expect(s.getMetrics(id, ['reward'])[0].steps.length).toBe(1500);
  });

  it('allMetrics returns every row, ordered by step then name', () => {
    const s = open();
    const [id, other] = s.createRuns([run('all'), run('other')], dirOf);
    s.insertMetrics(id, 1, 10, { b: 2, a: 1 });
    s.insertMetrics(id, 0, 0, { c: 0 });
    s.insertMetrics(other, 0, 0, { a: 9 });
    expect(s.allMetrics(id)).toEqual([
      { step: 0, envSteps: 0, name: 'c', value: 0 },
      { step: 1, envSteps: 10, name: 'a', value: 1 },
      { step: 1, envSteps: 10, name: 'b', value: 2 },
    ]);
  });
});

describe('evaluations', () => {
  it('insertEvaluation updates lastEval and maxEval from deterministic evaluations only', () => {
    const s = open();
    const [id] = s.createRuns([run('eval')], dirOf);
    expect(s.getRun(id)).toMatchObject({ lastEval: null, maxEval: null });
    s.insertEvaluation(id, 10, 1000, false, evaluation(10));
    expect(s.getRun(id)).toMatchObject({ lastEval: 10, maxEval: 10 });
    s.insertEvaluation(id, 20, 2000, false, evaluation(5));
    expect(s.getRun(id)).toMatchObject({ lastEval: 5, maxEval: 10 });
    s.insertEvaluation(id, 20, 2000, false, evaluation(500, 'stochastic'));
    expect(s.getRun(id)).toMatchObject({ lastEval: 5, maxEval: 10 });
    s.insertEvaluation(id, 30, 3000, true, evaluation(-3));
    expect(s.getRun(id)).toMatchObject({ lastEval: -3, maxEval: 10 });
    s.insertEvaluation(id, 40, 4000, true, evaluation(42));
    expect(s.getRun(id)).toMatchObject({ lastEval: 42, maxEval: 42 });
    expect(s.listRuns({ limit: 1 })[0]).toMatchObject({ id, lastEval: 42, maxEval: 42 });
    expect(s.getRunDetail(id)?.evaluations.length).toBe(5);
  });

  it('a negative first deterministic evaluation becomes maxEval (no 0 default)', () => {
    const s = open();
    const [id] = s.createRuns([run('neg')], dirOf);
    s.insertEvaluation(id, 1, 100, false, evaluation(-50));
    expect(s.getRun(id)).toMatchObject({ lastEval: -50, maxEval: -50 });
  });
});

const OBS = 3;
const ACT = 2;
const NQ = 4;
const NV = 3;

/** Values that a lossy or misaligned copy would change: -0, NaN, ±Infinity, denormals, extremes. */
const SPECIAL = [-0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45, 3.4028234663852886e38, -1.17549435e-38, Math.PI, 1 / 3];

function trajectory(index: number, length: number, ret: number): Trajectory {
  const fill32 = (n: number, base: number) => new Float32Array(n).map((_, i) => (i < SPECIAL.length && index === 0 ? SPECIAL[i] : base + i * 0.1 + index / 7));
  const fill64 = (n: number, base: number) => new Float64Array(n).map((_, i) => (i < SPECIAL.length && index === 0 ? SPECIAL[i] : base + i / 3 + index * Math.E));
  // A subarray view with a non-zero byteOffset: the store must copy the view, not the whole buffer.
  const big = fill32(length * OBS + 5, -1000);
  return {
    obs: big.subarray(5),
    actions: fill32(length * ACT, 2),
    rewards: fill32(length, 3),
    qpos: fill64((length + 1) * NQ, 4),
    qvel: fill64((length + 1) * NV, 5),
    return: ret,
    length,
    terminated: index % 2 === 1,
  };
}

function dataset(returns: number[], lengths: number[]): Dataset {
  return { env: 'Hopper-v5', obsDim: OBS, actDim: ACT, nq: NQ, nv: NV, source: { policy: 'run:1', deterministic: false, episodes: 3 }, trajectories: returns.map((r, i) => trajectory(i, lengths[i], r)) };
}

const bytes = (a: Float32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('datasets and trajectories', () => {
  it('loadDataset returns bit-identical typed arrays and the same metadata as insertDataset stored', () => {
    const s = open();
    const d = dataset([1000.125, 2000.5, -3.25], [7, 11, 1]);
    const id = s.insertDataset(d, 'experts', null);
    const back = s.loadDataset(id);
    expect(back).not.toBeNull();
    expect({ ...back!, trajectories: [] }).toEqual({ ...d, trajectories: [] });
    expect(back!.trajectories.length).toBe(3);
    back!.trajectories.forEach((t, i) => {
      const o = d.trajectories[i];
      for (const k of ['obs', 'actions', 'rewards'] as const) {
        expect(t[k]).toBeInstanceOf(Float32Array);
        expect(t[k].length, `${k} of trajectory ${i}`).toBe(o[k].length);
        expect(bytes(t[k]).equals(bytes(o[k])), `${k} of trajectory ${i} bit-exact`).toBe(true);
      }
      for (const k of ['qpos', 'qvel'] as const) {
        expect(t[k]).toBeInstanceOf(Float64Array);
        expect(bytes(t[k]).equals(bytes(o[k])), `${k} of trajectory ${i} bit-exact`).toBe(true);
      }
      expect(t).toMatchObject({ length: o.length, return: o.return, terminated: o.terminated });
    });
    expect(s.loadDataset(id, 2)!.trajectories.length).toBe(2);
    expect(s.loadDataset(id + 1)).toBeNull();
  });

  it('records the dataset stats: trajectories, steps, mean and (population) std of the returns', () => {
    const s = open();
    const id = s.insertDataset(dataset([10, 20, 60], [5, 6, 7]), 'stats', null);
    const row = s.getDatasetRow(id);
    expect(row).toMatchObject({ id, name: 'stats', env: 'Hopper-v5', obsDim: OBS, actDim: ACT, trajectories: 3, steps: 18, sourceRunId: null });
    expect(row!.meanReturn).toBeCloseTo(30, 12);
    expect(row!.stdReturn).toBeCloseTo(Math.sqrt((400 + 100 + 900) / 3), 12);
  });

  it('listTrajectories and getTrajectory return what was stored for a run (evaluation episodes)', () => {
    const s = open();
    const [id] = s.createRuns([run('eval')], dirOf);
    const ts = dataset([5, 6], [3, 4]).trajectories;
    s.insertTrajectories({ runId: id }, ts, 'final');
    const list = s.listTrajectories({ runId: id });
    expect(list.map((t) => ({ idx: t.idx, label: t.label, length: t.length, return: t.return, terminated: t.terminated }))).toEqual([
      { idx: 0, label: 'final', length: 3, return: 5, terminated: false },
      { idx: 1, label: 'final', length: 4, return: 6, terminated: true },
    ]);
    const t = s.getTrajectory(list[1].id)!;
    expect(t.env).toBe('Hopper-v5');
    expect(bytes(t.qpos).equals(bytes(ts[1].qpos))).toBe(true);
  });
});

describe('deleting a run', () => {
  function count(sql: string, ...args: unknown[]): number {
    return withReadDb(join(dir, 'runs.db'), (db) => (db.prepare(sql).get(...args) as { n: number }).n);
  }

  it('cascades its metrics, evaluations, checkpoints, tags, dependencies and eval trajectories, sets datasets.source_run_id to NULL, and leaves other runs alone', () => {
    const s = open();
    const [gone, kept, downstream] = s.createRuns([run('gone'), run('kept'), run('down', { dependsOn: [0] })], dirOf);
    for (const id of [gone, kept]) {
      for (let i = 0; i < 3; i++) s.insertMetrics(id, i, i * 10, { a: i, b: i });
      s.insertEvaluation(id, 2, 20, true, evaluation(1));
      s.insertCheckpoint(id, 2, 20, `ckpt-${id}.bin`);
      s.insertTrajectories({ runId: id }, dataset([1, 2], [2, 2]).trajectories, 'final');
      s.setTags(id, ['x', 'y']);
    }
    const ds = s.insertDataset(dataset([1], [2]), 'from gone', gone);
    const perRun = {
      metrics: 'SELECT count(*) AS n FROM metrics WHERE run_id = ?',
      evaluations: 'SELECT count(*) AS n FROM evaluations WHERE run_id = ?',
      checkpoints: 'SELECT count(*) AS n FROM checkpoints WHERE run_id = ?',
      trajectories: 'SELECT count(*) AS n FROM trajectories WHERE run_id = ?',
      tags: 'SELECT count(*) AS n FROM tags WHERE run_id = ?',
    };
    const before = Object.fromEntries(Object.entries(perRun).map(([k, q]) => [k, [count(q, gone), count(q, kept)]]));
    expect(before).toEqual({ metrics: [6, 6], evaluations: [1, 1], checkpoints: [1, 1], trajectories: [2, 2], tags: [2, 2] });
    expect(count('SELECT count(*) AS n FROM run_dependencies WHERE depends_on = ?', gone)).toBe(1);

    s.deleteRun(gone);

    const after = Object.fromEntries(Object.entries(perRun).map(([k, q]) => [k, [count(q, gone), count(q, kept)]]));
    expect(after).toEqual({ metrics: [0, 6], evaluations: [0, 1], checkpoints: [0, 1], trajectories: [0, 2], tags: [0, 2] });
    expect(s.getRun(gone)).toBeNull();
    expect(s.getRun(downstream)?.dependsOn).toEqual([]);
    // The dataset outlives the run it was sampled from, with its trajectories.
    expect(s.getDatasetRow(ds)?.sourceRunId).toBeNull();
    expect(withReadDb(join(dir, 'runs.db'), (db) => (db.prepare('SELECT source_run_id FROM datasets WHERE id = ?').get(ds) as { source_run_id: number | null }).source_run_id)).toBeNull();
    expect(s.loadDataset(ds)?.trajectories.length).toBe(1);
    expect(s.integrityCheck()).toBe('ok');
    expect(withReadDb(join(dir, 'runs.db'), (db) => db.pragma('foreign_key_check'))).toEqual([]);
  });

  it('deleting a dataset removes its trajectories', () => {
    const s = open();
    const ds = s.insertDataset(dataset([1, 2, 3], [2, 2, 2]), 'd', null);
    expect(s.listTrajectories({ datasetId: ds }).length).toBe(3);
    s.deleteDataset(ds);
    expect(count('SELECT count(*) AS n FROM trajectories')).toBe(0);
  });
});

describe('settings and integrity', () => {
  it('settings round-trip JSON values and fall back when missing', () => {
    const s = open();
    expect(s.getSetting('theme', 'light')).toBe('light');
    s.setSetting('theme', 'dark');
    s.setSetting('limits', { parallel: 2, gpu: false, tags: ['a'] });
    s.setSetting('zero', 0);
    expect(s.getSetting('theme', 'light')).toBe('dark');
    expect(s.getSetting('limits', null)).toEqual({ parallel: 2, gpu: false, tags: ['a'] });
    expect(s.getSetting('zero', 5)).toBe(0);
    s.setSetting('theme', 'auto');
    expect(s.getSetting('theme', 'light')).toBe('auto');
    s.close();
    expect(open().getSetting('limits', null)).toEqual({ parallel: 2, gpu: false, tags: ['a'] });
  });

  it('integrityCheck() reports ok on a database that has seen every kind of write', () => {
    const s = open();
    const sweep = s.createSweep('sw', { grid: { seed: [0, 1] } });
    const [id] = s.createRuns([run('r', { sweepId: sweep })], dirOf);
    s.insertMetrics(id, 0, 0, { a: 1 });
    s.insertEvaluation(id, 0, 0, true, evaluation(1));
    s.insertDataset(dataset([1], [3]), 'd', id);
    expect(s.listSweeps()).toMatchObject([{ id: sweep, name: 'sw', runs: 1 }]);
    expect(s.integrityCheck()).toBe('ok');
  });
});
