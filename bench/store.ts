/**
 * Run-database throughput and latency on a temp database, in one process.
 *   npm run bench:store -- [--runs 10000] [--rows 10000000] [--long-steps 100000]
 *     [--ingest-iterations 20000] [--repeats 21] [--keep] [--json]
 * (a) metric ingestion in rows/s the way the queue writes (≈15 metrics per
 *     iteration): many iterations per transaction, and one transaction per
 *     iteration (what RunQueue does today) — target ≥ 200k rows/s;
 * (b) with `runs` runs and `rows` metric rows (one long run with `long-steps`
 *     steps per metric among them): a page of 50 runs with their evals, and
 *     the long run's curve downsampled to 1,500 points — target < 50 ms each
 *     (median of `repeats`). A missed target prints where the time goes.
 * Sizes, timings and ratios are measured in this process; compare machines by
 * the ratios and the pass/miss column, not the raw milliseconds.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { lttbIndices } from '../src/main/core/data/lttb';
import { openDatabase, type Db } from '../src/main/core/store/database';
import { Store } from '../src/main/core/store/store';
import type { MetricSeries } from '../src/shared/runs';
import { machineInfo } from './machine';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    rows: { type: 'string', default: '10000000' },
    'long-steps': { type: 'string', default: '100000' },
    'ingest-iterations': { type: 'string', default: '20000' },
    repeats: { type: 'string', default: '21' },
    keep: { type: 'boolean' },
    json: { type: 'boolean' },
  },
});
const RUNS = Number(args.runs);
const ROWS = Number(args.rows);
const LONG_STEPS = Number(args['long-steps']);
const INGEST_ITERATIONS = Number(args['ingest-iterations']);
const REPEATS = Number(args.repeats);
if (!(RUNS >= 2 && ROWS >= 0 && LONG_STEPS >= 1 && INGEST_ITERATIONS >= 1 && REPEATS >= 1)) {
  throw new Error('Use --runs ≥ 2 and positive --rows, --long-steps, --ingest-iterations, --repeats.');
}

const TARGET_INGEST_ROWS_PER_SEC = 200_000;
const TARGET_MS = 50;
const PAGE = 50;
const MAX_POINTS = 1500;
/** Metrics per generated run: the bulk data spreads each run's rows over these. */
const GEN_NAMES = ['episodeReturn', 'episodeLength', 'policyLoss', 'valueLoss', 'entropy', 'kl', 'explainedVariance', 'envStepsPerSec', 'discriminatorLoss', 'expertAccuracy'];
/** What one on-policy iteration reports (≈15 values), as the queue receives it. */
const ITERATION_NAMES = [...GEN_NAMES, 'clipFraction', 'stepSize', 'episodesFinished', 'episodesTotal', 'time/rollout'];

const log = (line: string) => process.stderr.write(`${line}\n`);
const ms = (t0: number) => performance.now() - t0;

/** Deterministic noise so two runs of the bench store the same data. */
let seed = 0x2545f491;
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
}

interface Timing {
  medianMs: number;
  minMs: number;
  p90Ms: number;
}

function stats(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  return { medianMs: s[Math.floor(s.length / 2)], minMs: s[0], p90Ms: s[Math.min(s.length - 1, Math.floor(s.length * 0.9))] };
}

/** Median over `REPEATS` after two warm-up calls (first-call costs are statement compilation and cold pages, not steady state). */
function time(f: () => unknown): Timing {
  f();
  f();
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    f();
    samples.push(ms(t0));
  }
  return stats(samples);
}

const dir = mkdtempSync(join(tmpdir(), 'imlab-bench-store-'));
const dbPath = join(dir, 'runs.db');
const dirOf = (id: number) => join(dir, 'runs', String(id));

const newRun = (name: string) => ({ name, kind: 'expert' as const, env: 'Hopper-v5' as const, method: 'trpo', trajectories: null, seed: 0, config: { kind: 'expert' } });

function iterationValues(i: number): Record<string, number> {
  const v: Record<string, number> = {};
  for (const [k, name] of ITERATION_NAMES.entries()) v[name] = Math.sin(i / 100 + k) * 1000 + rand();
  return v;
}

// ---- (a) ingestion -----------------------------------------------------------

interface IngestResult {
  mode: string;
  iterationsPerTransaction: number;
  rows: number;
  seconds: number;
  rowsPerSec: number;
  iterationsPerSec: number;
}

function ingest(store: Store, mode: string, iterationsPerTransaction: number, iterations: number): IngestResult {
  const [runId] = store.createRuns([newRun(`ingest ${mode}`)], dirOf);
  // The values objects exist before the store sees them (they arrive from the child process).
  const batches: { iteration: number; envSteps: number; values: Record<string, number> }[][] = [];
  for (let i = 0; i < iterations; i += iterationsPerTransaction) {
    batches.push(Array.from({ length: Math.min(iterationsPerTransaction, iterations - i) }, (_, j) => ({ iteration: i + j, envSteps: (i + j) * 2048, values: iterationValues(i + j) })));
  }
  const t0 = performance.now();
  if (iterationsPerTransaction === 1) for (const [b] of batches) store.insertMetrics(runId, b.iteration, b.envSteps, b.values);
  else for (const b of batches) store.insertMetricBatch(runId, b);
  const seconds = ms(t0) / 1000;
  const rows = iterations * ITERATION_NAMES.length;
  if (store.metricRowCount(runId) !== rows) throw new Error(`${mode}: expected ${rows} rows, found ${store.metricRowCount(runId)}`);
  return { mode, iterationsPerTransaction, rows, seconds, rowsPerSec: rows / seconds, iterationsPerSec: iterations / seconds };
}

/**
 * The coordinator's path: several runs report iterations concurrently and the
 * queue writes what arrived every 100 ms in one transaction (insertMetricRows).
 * Simulated with 8 runs and a flush every 8 × 10 iterations.
 */
function ingestCoordinator(store: Store, iterations: number): IngestResult {
  const runs = 8;
  const ids = store.createRuns(Array.from({ length: runs }, (_, i) => newRun(`coordinator ${i}`)), dirOf);
  const perRun = Math.ceil(iterations / runs);
  const rows = Array.from({ length: perRun }, (_, i) => ids.map((runId) => ({ runId, iteration: i, envSteps: i * 2048, values: iterationValues(i) }))).flat();
  const flushEvery = runs * 10;
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += flushEvery) store.insertMetricRows(rows.slice(i, i + flushEvery));
  const seconds = ms(t0) / 1000;
  const n = rows.length * ITERATION_NAMES.length;
  return { mode: 'insertMetricRows, 8 runs flushed together every 10 iterations (the coordinator)', iterationsPerTransaction: flushEvery, rows: n, seconds, rowsPerSec: n / seconds, iterationsPerSec: rows.length / seconds };
}

/**
 * Reference points without the Store around the SQL: the same rows through
 * statements prepared once, either all in one transaction (the floor) or one
 * transaction per iteration with the progress UPDATE the Store also runs. The
 * gaps between them and the Store's figures say where the time goes.
 */
function ingestRaw(store: Store, db: Db, iterations: number, perIteration: boolean, synchronousOff = false): IngestResult {
  const [runId] = store.createRuns([newRun(`ingest raw ${perIteration} ${synchronousOff}`)], dirOf);
  store.insertMetrics(runId, -1, 0, iterationValues(0)); // registers the names
  const ids = ITERATION_NAMES.map((n) => (db.prepare('SELECT id FROM metric_names WHERE name = ?').get(n) as { id: number }).id);
  const values = Array.from({ length: iterations }, (_, i) => iterationValues(i));
  const stmt = db.prepare('INSERT OR REPLACE INTO metrics (run_id, name_id, step, env_steps, value) VALUES (?, ?, ?, ?, ?)');
  const progress = db.prepare('UPDATE runs SET iteration = max(iteration, ?), env_steps = max(env_steps, ?) WHERE id = ?');
  const one = (i: number) => {
    const v = values[i];
    for (let k = 0; k < ids.length; k++) stmt.run(runId, ids[k], i, i * 2048, v[ITERATION_NAMES[k]]);
  };
  // synchronous=OFF drops the fsyncs (in WAL mode NORMAL syncs at checkpoints, and an iteration dirties one
  // leaf page per metric name, so checkpoints come every few dozen commits): the gap is the disk's share.
  if (synchronousOff) db.pragma('synchronous = OFF');
  const t0 = performance.now();
  if (perIteration) {
    const tx = db.transaction((i: number) => {
      one(i);
      progress.run(i, i * 2048, runId);
    });
    for (let i = 0; i < iterations; i++) tx(i);
  } else {
    db.transaction(() => {
      for (let i = 0; i < iterations; i++) one(i);
    })();
  }
  const seconds = ms(t0) / 1000;
  if (synchronousOff) db.pragma('synchronous = NORMAL');
  const rows = iterations * ITERATION_NAMES.length;
  return {
    mode: synchronousOff
      ? 'raw statements prepared once, one transaction per iteration, synchronous=OFF'
      : perIteration ? 'raw statements prepared once, one transaction per iteration' : 'raw statement prepared once, one transaction (floor)',
    iterationsPerTransaction: perIteration ? 1 : iterations,
    rows,
    seconds,
    rowsPerSec: rows / seconds,
    iterationsPerSec: iterations / seconds,
  };
}

/** What db.prepare costs per call for two statements (why the Store prepares each statement once). */
function prepareCostUs(db: Db): number {
  const n = 20_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    db.prepare('INSERT OR REPLACE INTO metrics (run_id, name_id, step, env_steps, value) VALUES (?, ?, ?, ?, ?)');
    db.prepare('UPDATE runs SET iteration = max(iteration, ?), env_steps = max(env_steps, ?) WHERE id = ?');
  }
  return (ms(t0) * 1000) / n;
}

// ---- (b) generation ------------------------------------------------------------

const STATUSES: [string, number][] = [
  ['succeeded', 0.8],
  ['failed', 0.08],
  ['cancelled', 0.05],
  ['queued', 0.03],
  ['running', 0.02],
  ['interrupted', 0.01],
  ['blocked', 0.01],
];
function pickStatus(): string {
  let u = rand();
  for (const [s, p] of STATUSES) if ((u -= p) < 0) return s;
  return 'succeeded';
}

/** A config about the size of a real expert config (listRuns reads r.*, so its size counts). */
const CONFIG = JSON.stringify({
  kind: 'expert',
  env: 'Hopper-v5',
  algorithm: 'trpo',
  totalSteps: 1_000_000,
  seed: 0,
  numEnvs: 1,
  trpo: { batchSteps: 1024, maxKl: 0.01, cgIterations: 10, cgDamping: 0.1, backtracks: 10, gamma: 0.995, lambda: 0.97, entropyCoef: 0, valueLr: 1e-3, valueEpochs: 5, valueBatch: 128 },
  policy: { hidden: [64, 64], activation: 'tanh', logStdInit: 0 },
  evalEvery: 50,
  evalEpisodes: 10,
  finalEvalEpisodes: 50,
  checkpointEvery: 100,
  clipActions: true,
});

interface Generated {
  runs: number;
  metricRows: number;
  longRunId: number;
  longRowsPerMetric: number;
  rowsPerNormalRun: number;
  seconds: number;
  rowsPerSec: number;
  fileBytes: number;
  bytesPerRow: number;
}

function generate(db: Db): Generated {
  const t0 = performance.now();
  const nameIds = GEN_NAMES.map((n) => {
    db.prepare('INSERT OR IGNORE INTO metric_names (name) VALUES (?)').run(n);
    return (db.prepare('SELECT id FROM metric_names WHERE name = ?').get(n) as { id: number }).id;
  });
  const firstId = ((db.prepare('SELECT coalesce(max(id), 0) AS m FROM runs').get() as { m: number }).m ?? 0) + 1;
  const longIndex = Math.floor(RUNS / 2);
  const longRunId = firstId + longIndex;

  // Runs, sweeps and a few dependencies, in one transaction.
  db.transaction(() => {
    const sweep = db.prepare('INSERT INTO sweeps (name, spec, created_at) VALUES (?, ?, ?)');
    const sweeps = Array.from({ length: Math.max(1, Math.floor(RUNS / 100)) }, (_, i) => Number(sweep.run(`sweep ${i}`, '{"grid":{"seed":[0,1,2]}}', Date.now()).lastInsertRowid));
    const ins = db.prepare(
      `INSERT INTO runs (id, name, kind, env, method, trajectories, seed, config, status, priority, sweep_id, attempt, created_at, started_at, finished_at, error, backend,
                         iteration, env_steps, final_mean, final_std, final_episodes, last_eval, max_eval, dir)
       VALUES (?, ?, 'expert', 'Hopper-v5', 'trpo', NULL, ?, ?, ?, 0, ?, 1, ?, ?, ?, ?, 'tfjs-node', ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const dep = db.prepare('INSERT INTO run_dependencies (run_id, depends_on) VALUES (?, ?)');
    const now = Date.now();
    for (let i = 0; i < RUNS; i++) {
      const id = firstId + i;
      const status = pickStatus();
      const done = status === 'succeeded';
      const evalled = status !== 'queued' && status !== 'blocked';
      const last = evalled ? 3000 * rand() : null;
      ins.run(
        id,
        `Hopper TRPO seed ${i}`,
        i,
        CONFIG,
        status,
        i % 2 ? sweeps[i % sweeps.length] : null,
        now - (RUNS - i) * 60_000,
        evalled ? now - (RUNS - i) * 60_000 + 1000 : null,
        done ? now - (RUNS - i) * 60_000 + 50_000 : null,
        status === 'failed' ? 'diverged: non-finite loss' : null,
        evalled ? 500 : 0,
        evalled ? 1_000_000 : 0,
        done ? 3000 * rand() : null,
        done ? 100 * rand() : null,
        done ? 50 : null,
        last,
        last === null ? null : last + 500 * rand(),
        dirOf(id),
      );
      if (i % 5 === 4) dep.run(id, id - 1);
    }
  })();

  // Metric rows: `rows` in total, the long run's LONG_STEPS × names first, the rest spread evenly.
  const longRows = Math.min(ROWS, LONG_STEPS * GEN_NAMES.length);
  const longSteps = Math.floor(longRows / GEN_NAMES.length);
  const normalSteps = Math.floor((ROWS - longSteps * GEN_NAMES.length) / GEN_NAMES.length);
  const base = Math.floor(normalSteps / (RUNS - 1));
  const extra = normalSteps - base * (RUNS - 1);

  // Multi-row VALUES: one native call per CHUNK rows instead of per row (the JS↔C crossing dominates).
  const CHUNK = 200;
  const valuesSql = (n: number) => `INSERT INTO metrics (run_id, name_id, step, env_steps, value) VALUES ${Array.from({ length: n }, () => '(?,?,?,?,?)').join(',')}`;
  const many = db.prepare(valuesSql(CHUNK));
  const one = db.prepare(valuesSql(1));
  const buf: number[] = new Array(CHUNK * 5);
  let filled = 0;
  let written = 0;
  const push = (run: number, name: number, step: number, value: number) => {
    const o = filled * 5;
    buf[o] = run;
    buf[o + 1] = name;
    buf[o + 2] = step;
    buf[o + 3] = step * 2048;
    buf[o + 4] = value;
    if (++filled === CHUNK) {
      many.run(buf);
      written += CHUNK;
      filled = 0;
    }
  };
  const flush = () => {
    for (let i = 0; i < filled; i++) one.run(buf.slice(i * 5, i * 5 + 5));
    written += filled;
    filled = 0;
  };
  const curve = (step: number, k: number, steps: number) => {
    const x = step / steps;
    // A learning curve with noise and rare spikes, so LTTB has real work to do.
    return 3000 * (1 - Math.exp(-4 * x)) * (1 + 0.1 * Math.sin(step / 50 + k)) + 100 * (rand() - 0.5) + (rand() < 1e-4 ? 5000 : 0);
  };
  const RUNS_PER_TX = 500;
  let lastLog = performance.now();
  for (let start = 0; start < RUNS; start += RUNS_PER_TX) {
    db.transaction(() => {
      for (let i = start; i < Math.min(RUNS, start + RUNS_PER_TX); i++) {
        const run = firstId + i;
        const steps = i === longIndex ? longSteps : base + (i - (i > longIndex ? 1 : 0) < extra ? 1 : 0);
        // Key order (run, name, step): appends to the WITHOUT ROWID B-tree instead of splitting pages.
        for (let k = 0; k < nameIds.length; k++) for (let s = 0; s < steps; s++) push(run, nameIds[k], s, curve(s, k, steps));
      }
      flush();
    })();
    if (performance.now() - lastLog > 5000) {
      lastLog = performance.now();
      log(`  generated ${(written / 1e6).toFixed(1)}M rows (${Math.round(written / (ms(t0) / 1000)).toLocaleString('en-US')} rows/s)`);
    }
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  const seconds = ms(t0) / 1000;
  const fileBytes = statSync(dbPath).size;
  return { runs: RUNS, metricRows: written, longRunId, longRowsPerMetric: longSteps, rowsPerNormalRun: base * GEN_NAMES.length, seconds, rowsPerSec: written / seconds, fileBytes, bytesPerRow: fileBytes / Math.max(1, written) };
}

// ---- (b) queries -----------------------------------------------------------

interface QueryResult {
  name: string;
  timing: Timing;
  targetMs: number | null;
  /** Rows or points returned (a sanity check that the query did the work). */
  returned: number;
  /** Where the time goes, median ms per stage (also when the target is met, to compare). */
  breakdown?: Record<string, number>;
  plan?: string[];
}

const RUN_COLUMNS = `r.*, (SELECT group_concat(depends_on) FROM run_dependencies d WHERE d.run_id = r.id) AS deps`;

function plan(db: Db, sql: string, ...params: unknown[]): string[] {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
}

/** listRuns split into the SQL (prepare + step, as the Store does per call), the row mapping and JSON for the UI. */
function listRunsBreakdown(store: Store, db: Db, status: string[] | undefined, offset: number): { breakdown: Record<string, number>; plan: string[] } {
  const where = status ? `WHERE r.status IN (${status.map(() => '?').join(',')})` : '';
  const sql = `SELECT ${RUN_COLUMNS} FROM runs r ${where} ORDER BY r.id DESC LIMIT ? OFFSET ?`;
  const params = [...(status ?? []), PAGE, offset];
  const sqlOnly = time(() => db.prepare(sql).all(...params));
  const full = time(() => store.listRuns({ status: status as never, limit: PAGE, offset }));
  const rows = store.listRuns({ status: status as never, limit: PAGE, offset });
  const json = time(() => JSON.stringify(rows));
  return { breakdown: { sqlMs: sqlOnly.medianMs, mapRowsMs: Math.max(0, full.medianMs - sqlOnly.medianMs), jsonMs: json.medianMs }, plan: plan(db, sql, ...params) };
}

/** getMetrics split into its stages, replicating the Store's steps one by one. */
function getMetricsBreakdown(db: Db, runId: number, name: string, sinceStep: number): { breakdown: Record<string, number>; plan: string[] } {
  const sql = 'SELECT step, env_steps, value FROM metrics WHERE run_id = ? AND name_id = ? AND step >= ? ORDER BY step';
  // sqlScanOnlyMs: SQLite walking the same rows without handing them to JS; sqlMs − sqlScanOnlyMs is row marshalling.
  const scan = db.prepare('SELECT count(*), sum(value), max(env_steps) FROM metrics WHERE run_id = ? AND name_id = ? AND step >= ?');
  const stages: Record<string, number[]> = { nameLookupMs: [], sqlScanOnlyMs: [], sqlMs: [], toArraysMs: [], lttbMs: [], pickMs: [], jsonMs: [] };
  for (let i = 0; i < REPEATS + 2; i++) {
    let t = performance.now();
    const nameId = (db.prepare('SELECT id FROM metric_names WHERE name = ?').get(name) as { id: number }).id;
    const stmt = db.prepare(sql).raw(true);
    const lookup = ms(t);
    t = performance.now();
    scan.get(runId, nameId, sinceStep);
    const scanT = ms(t);
    t = performance.now();
    const rows = stmt.all(runId, nameId, sinceStep) as [number, number, number | null][];
    const sqlT = ms(t);
    t = performance.now();
    const steps = rows.map((r) => r[0]);
    const envSteps = rows.map((r) => r[1]);
    const values = rows.map((r) => r[2]);
    const arrays = ms(t);
    t = performance.now();
    const keep = lttbIndices(steps, values.map((v) => v ?? 0), MAX_POINTS);
    const lttb = ms(t);
    t = performance.now();
    const series: MetricSeries = { name, steps: keep.map((k) => steps[k]), envSteps: keep.map((k) => envSteps[k]), values: keep.map((k) => values[k]), total: rows.length };
    const pick = ms(t);
    t = performance.now();
    JSON.stringify(series);
    const json = ms(t);
    if (i < 2) continue; // warm-up
    stages.nameLookupMs.push(lookup);
    stages.sqlScanOnlyMs.push(scanT);
    stages.sqlMs.push(sqlT);
    stages.toArraysMs.push(arrays);
    stages.lttbMs.push(lttb);
    stages.pickMs.push(pick);
    stages.jsonMs.push(json);
  }
  const nameId = (db.prepare('SELECT id FROM metric_names WHERE name = ?').get(name) as { id: number }).id;
  return { breakdown: Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, stats(v).medianMs])), plan: plan(db, sql, runId, nameId, sinceStep) };
}

function queries(store: Store, db: Db, g: Generated): QueryResult[] {
  const out: QueryResult[] = [];
  const page = (name: string, status: string[] | undefined, offset: number, target: number | null) => {
    const q = { status: status as never, limit: PAGE, offset };
    const returned = store.listRuns(q).length;
    const r: QueryResult = { name, timing: time(() => store.listRuns(q)), targetMs: target, returned, ...listRunsBreakdown(store, db, status, offset) };
    out.push(r);
  };
  page(`listRuns: first page of ${PAGE}`, undefined, 0, TARGET_MS);
  page(`listRuns: ${PAGE} succeeded`, ['succeeded'], 0, TARGET_MS);
  page(`listRuns: ${PAGE} queued or running`, ['queued', 'running'], 0, TARGET_MS);
  page(`listRuns: page of ${PAGE} at offset ${Math.max(0, g.runs - 2 * PAGE)}`, undefined, Math.max(0, g.runs - 2 * PAGE), TARGET_MS);
  out.push({ name: 'countRuns (all, and failed)', timing: time(() => [store.countRuns(), store.countRuns({ status: ['failed'] })]), targetMs: null, returned: store.countRuns() });

  const curve = (name: string, runId: number, names: string[], q: { maxPoints?: number; sinceStep?: number }, target: number | null, withBreakdown: boolean) => {
    const returned = store.getMetrics(runId, names, q).reduce((a, m) => a + m.steps.length, 0);
    const r: QueryResult = { name, timing: time(() => store.getMetrics(runId, names, q)), targetMs: target, returned };
    if (withBreakdown) Object.assign(r, getMetricsBreakdown(db, runId, names[0], q.sinceStep ?? 0));
    out.push(r);
  };
  curve(`getMetrics: long run (${g.longRowsPerMetric.toLocaleString('en-US')} rows) → ${MAX_POINTS} points`, g.longRunId, [GEN_NAMES[0]], { maxPoints: MAX_POINTS }, TARGET_MS, true);
  curve(`getMetrics: long run, all ${GEN_NAMES.length} metrics → ${MAX_POINTS} points each`, g.longRunId, GEN_NAMES, { maxPoints: MAX_POINTS }, null, false);
  curve('getMetrics: long run, live tail (last 100 steps)', g.longRunId, [GEN_NAMES[0]], { sinceStep: g.longRowsPerMetric - 100 }, null, false);
  const normal = g.longRunId - 1;
  curve(`getMetrics: ordinary run, all ${GEN_NAMES.length} metrics`, normal, GEN_NAMES, { maxPoints: MAX_POINTS }, null, false);
  out.push({ name: 'allMetrics: long run (CSV export)', timing: time(() => store.allMetrics(g.longRunId)), targetMs: null, returned: store.allMetrics(g.longRunId).length });
  return out;
}

// ---- main --------------------------------------------------------------------

const results: {
  ingestion: IngestResult[];
  ingestionPopulated: IngestResult | null;
  generation: Generated | null;
  queries: QueryResult[];
  /** µs db.prepare costs per statement (why the Store prepares each statement once). */
  prepareUsPerCall: number;
} = { ingestion: [], ingestionPopulated: null, generation: null, queries: [], prepareUsPerCall: 0 };

try {
  // (a) on an empty database of its own, so ingestion is not measured against the bulk data...
  const ingestStore = new Store(join(dir, 'ingest.db'));
  // The raw-SQL reference points go through a connection of their own: the Store keeps its connection to itself.
  const ingestDb = openDatabase(join(dir, 'ingest.db'));
  log(`ingestion: ${INGEST_ITERATIONS.toLocaleString('en-US')} iterations × ${ITERATION_NAMES.length} metrics per mode…`);
  results.ingestion.push(ingest(ingestStore, 'insertMetricBatch, 100 iterations per transaction', 100, INGEST_ITERATIONS));
  results.ingestion.push(ingest(ingestStore, 'insertMetricBatch, 1,000 iterations per transaction', 1000, INGEST_ITERATIONS));
  results.ingestion.push(ingestCoordinator(ingestStore, INGEST_ITERATIONS));
  results.ingestion.push(ingest(ingestStore, 'insertMetrics, one transaction per iteration (unbatched)', 1, INGEST_ITERATIONS));
  results.ingestion.push(ingestRaw(ingestStore, ingestDb, INGEST_ITERATIONS, true));
  results.ingestion.push(ingestRaw(ingestStore, ingestDb, INGEST_ITERATIONS, true, true));
  results.ingestion.push(ingestRaw(ingestStore, ingestDb, INGEST_ITERATIONS, false));
  results.prepareUsPerCall = prepareCostUs(ingestDb);
  ingestDb.close();
  ingestStore.close();

  // (b) the populated database.
  const store = new Store(dbPath);
  const db = openDatabase(dbPath);
  log(`generating ${RUNS.toLocaleString('en-US')} runs and ${ROWS.toLocaleString('en-US')} metric rows…`);
  const g = generate(db);
  results.generation = g;
  log(`  ${g.metricRows.toLocaleString('en-US')} rows in ${g.seconds.toFixed(1)} s, ${(g.fileBytes / 2 ** 20).toFixed(0)} MiB`);
  // ...and again into the big database: a deeper B-tree and a cold-ish page cache.
  results.ingestionPopulated = ingest(store, 'insertMetrics, one transaction per iteration, populated database', 1, Math.min(INGEST_ITERATIONS, 5000));
  log('queries…');
  results.queries = queries(store, db, g);
  if (store.integrityCheck() !== 'ok') throw new Error('integrity check failed after the benchmark');
  db.close();
  store.close();
} finally {
  if (!args.keep) rmSync(dir, { recursive: true, force: true });
  else log(`kept ${dir}`);
}

const machine = machineInfo();
const ingestOk = (r: IngestResult) => r.rowsPerSec >= TARGET_INGEST_ROWS_PER_SEC;
const queryOk = (q: QueryResult) => q.targetMs === null || q.timing.medianMs < q.targetMs;
const isRaw = (r: IngestResult) => r.mode.startsWith('raw');
const missed = [...[...results.ingestion, ...(results.ingestionPopulated ? [results.ingestionPopulated] : [])].filter((r) => !isRaw(r) && !ingestOk(r)).map((r) => r.mode), ...results.queries.filter((q) => !queryOk(q)).map((q) => q.name)];

if (args.json) {
  process.stdout.write(
    `${JSON.stringify({
      bench: 'store',
      machine,
      params: { runs: RUNS, rows: ROWS, longSteps: LONG_STEPS, ingestIterations: INGEST_ITERATIONS, metricsPerIteration: ITERATION_NAMES.length, repeats: REPEATS, page: PAGE, maxPoints: MAX_POINTS },
      targets: { ingestRowsPerSec: TARGET_INGEST_ROWS_PER_SEC, queryMs: TARGET_MS },
      ...results,
      missed,
    })}\n`,
  );
} else {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const f = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
  const table = (head: string[], rows: string[][]) => {
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
    return [line(head), w.map((x) => '─'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
  };
  const out: string[] = [];
  out.push(`${machine.date.slice(0, 10)} · ${machine.cpu} · ${machine.cores} cores · Node ${machine.node} · ${machine.platform}`, '');
  out.push(`Metric ingestion (${ITERATION_NAMES.length} metrics per iteration, target ≥ ${n(TARGET_INGEST_ROWS_PER_SEC)} rows/s)`);
  const ing = [...results.ingestion, ...(results.ingestionPopulated ? [results.ingestionPopulated] : [])];
  out.push(table(['mode', 'rows', 'rows/s', 'iterations/s', 'target'], ing.map((r) => [r.mode, n(r.rows), n(r.rowsPerSec), n(r.iterationsPerSec), isRaw(r) ? '(reference)' : ingestOk(r) ? 'ok' : 'MISSED'])));
  const g = results.generation!;
  out.push('', `Database: ${n(g.runs)} runs, ${n(g.metricRows)} metric rows (${n(g.rowsPerNormalRun)} per run, long run ${n(g.longRowsPerMetric)} per metric)`);
  out.push(`  generated in ${g.seconds.toFixed(1)} s (${n(g.rowsPerSec)} rows/s); file ${(g.fileBytes / 2 ** 20).toFixed(0)} MiB (${g.bytesPerRow.toFixed(1)} bytes per metric row)`, '');
  out.push(`Queries (median of ${REPEATS}, target < ${TARGET_MS} ms)`);
  out.push(table(['query', 'median ms', 'min', 'p90', 'returned', 'target'], results.queries.map((q) => [q.name, f(q.timing.medianMs), f(q.timing.minMs), f(q.timing.p90Ms), n(q.returned), q.targetMs === null ? '' : queryOk(q) ? 'ok' : 'MISSED'])));
  for (const q of results.queries) {
    if (!q.breakdown) continue;
    const miss = !queryOk(q);
    if (!miss && q.name.startsWith('listRuns')) continue;
    out.push('', `${miss ? 'MISSED — where the time goes' : 'Where the time goes'}: ${q.name}`);
    out.push(...Object.entries(q.breakdown).map(([k, v]) => `  ${k.padEnd(14)} ${f(v).padStart(8)} ms`));
    if (q.plan) out.push(`  plan: ${q.plan.join(' | ')}`);
  }
  const misses = ing.filter((x) => !isRaw(x) && !ingestOk(x));
  if (misses.length) {
    const floor = results.ingestion.find((x) => isRaw(x) && x.iterationsPerTransaction > 1)!;
    const rawPerIt = results.ingestion.find((x) => isRaw(x) && x.iterationsPerTransaction === 1 && !x.mode.includes('OFF'))!;
    const rawNoSync = results.ingestion.find((x) => isRaw(x) && x.mode.includes('OFF'))!;
    const usPerIt = (r: IngestResult) => 1e6 / r.iterationsPerSec;
    out.push('', 'MISSED — where the time goes, µs per iteration of 15 rows:');
    out.push(`  inserting the rows (raw, one transaction for all):        ${usPerIt(floor).toFixed(1).padStart(7)}`);
    out.push(`  + a transaction and the progress UPDATE per iteration:    ${(usPerIt(rawPerIt) - usPerIt(floor)).toFixed(1).padStart(7)}`);
    out.push(`    of which fsync (synchronous NORMAL − OFF):             ${(usPerIt(rawPerIt) - usPerIt(rawNoSync)).toFixed(1).padStart(7)}`);
    for (const r of misses) out.push(`  + Store overhead in "${r.mode}": ${(usPerIt(r) - usPerIt(rawPerIt)).toFixed(1)} (total ${usPerIt(r).toFixed(1)})`);
    out.push(`    db.prepare of 2 statements (now cached by the Store): ${results.prepareUsPerCall.toFixed(1)}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
