/**
 * Property-based fuzzing of the HTTP API against a real `imlab serve` on a
 * temporary data folder. Requests come from every method's zod schema (valid
 * ones, and the same with a field broken, an extra key, random JSON, garbage
 * bytes), plus injected faults: bodies nested far too deep, a declared body
 * far over the cap, a body cut off mid-way, an unknown method, a GET, and a
 * SIGKILL of the server followed by a restart on the same folder.
 *
 * Invariants checked after every case: no 5xx; every 4xx names a field and
 * says what was wrong; the server answers; runs, metric rows, datasets and
 * sweeps change only through the methods that change them, by the amount they
 * report; the queue stays paused. At the end: PRAGMA integrity_check is ok and
 * no run, metric row or dataset is missing that no successful call removed.
 * The queue is paused throughout (resumeQueue is only sent invalid bodies),
 * so no run executes and metric rows can only disappear with a deleted run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import type { z } from 'zod';
import { API_METHODS, apiRequestSchemas, type ApiMethod } from '../../src/shared/api';
import { ENV_IDS } from '../../src/shared/envCatalog';
import { exportDatasetNpz } from '../../src/main/core/data/npzDataset';
import type { Dataset } from '../../src/main/core/data/dataset';
import { Store } from '../../src/main/core/store/store';
import { tempDir } from './runs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ENV = 'InvertedPendulum-v5';

export interface FuzzOptions {
  seed: number;
  /** Wall-clock budget of the fuzzing itself (server start-up excluded). */
  timeLimitMs: number;
  /** Kill the server with SIGKILL and restart it every this many cases (0: never). */
  killEvery: number;
  log?: (line: string) => void;
}

export interface FuzzReport {
  seed: number;
  cases: number;
  seconds: number;
  /** Answers by HTTP status. */
  statuses: Record<string, number>;
  /** Valid-by-construction requests per method, and how many were accepted. */
  methods: Record<string, { sent: number; accepted: number }>;
  faults: Record<string, number>;
  faultsTotal: number;
  restarts: number;
  /** Runs, metric rows and datasets at the end that no accepted call removed yet are missing. */
  dataLost: { runs: number; metricRows: number; datasets: number };
  integrity: string;
  /** The first broken invariant, if any (fast-check's counterexample). */
  failure: string | null;
}

type Case =
  | { kind: 'valid'; method: ApiMethod; body: unknown }
  | { kind: 'invalid'; method: ApiMethod; body: unknown; how: string }
  | { kind: 'raw'; method: ApiMethod; text: string; how: string }
  | { kind: 'fault'; fault: 'deep' | 'declaredHuge' | 'cutOff' | 'unknownMethod' | 'get'; method: ApiMethod; depth: number; name: string };

// ---- arbitraries from the zod schemas --------------------------------------

interface ZodCheck {
  _zod: { def: { check: string; value?: number; inclusive?: boolean; minimum?: number; maximum?: number } };
}
interface ZodInternals {
  _zod: { def: { type: string; format?: string; checks?: ZodCheck[]; [k: string]: unknown } };
}
const internals = (s: z.ZodType) => s as unknown as ZodInternals;

/** A schema's bounds (numbers: value range; strings and arrays: length), read from its checks. */
function bounds(s: z.ZodType): { min?: number; max?: number; int: boolean } {
  const { def } = internals(s)._zod;
  const b: { min?: number; max?: number; int: boolean } = { int: def.format === 'safeint' || def.format === 'int32' };
  for (const c of def.checks ?? []) {
    const d = c._zod.def;
    if (d.check === 'greater_than') b.min = d.inclusive ? d.value : d.value! + (b.int ? 1 : 1e-9);
    else if (d.check === 'less_than') b.max = d.inclusive ? d.value : d.value! - (b.int ? 1 : 1e-9);
    else if (d.check === 'min_length') b.min = d.minimum;
    else if (d.check === 'max_length') b.max = d.maximum;
  }
  return b;
}

const ID_FIELDS = new Set(['id', 'runId', 'datasetId', 'trajectoryId', 'sweepId']);

/** Small ids hit the rows the folder holds; big ones the not-found paths. */
const idArb = fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 1, max: 40 }) }, { weight: 1, arbitrary: fc.integer({ min: 41, max: 2 ** 31 }) });

function fromSchema(s: z.ZodType, field: string, overrides: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  if (overrides[field]) return overrides[field];
  const { def } = internals(s)._zod;
  const bag = bounds(s);
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, z.ZodType>;
      const required: string[] = [];
      const parts: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, v] of Object.entries(shape)) {
        const t = internals(v)._zod.def.type;
        if (t !== 'optional' && t !== 'default' && t !== 'prefault') required.push(k);
        parts[k] = fromSchema(v, k, overrides);
      }
      return fc.record(parts, { requiredKeys: required });
    }
    case 'optional':
    case 'default':
    case 'prefault':
      return fromSchema(def.innerType as z.ZodType, field, overrides);
    case 'union':
      return fc.oneof(...(def.options as z.ZodType[]).map((o) => fromSchema(o, field, overrides)));
    case 'enum':
      return fc.constantFrom(...Object.values(def.entries as Record<string, string>));
    case 'literal':
      return fc.constantFrom(...(def.values as unknown[]));
    case 'boolean':
      return fc.boolean();
    case 'array': {
      const min = bag.min ?? 0;
      return fc.array(fromSchema(def.element as z.ZodType, field, overrides), { minLength: min, maxLength: Math.min(bag.max ?? min + 4, min + 4) });
    }
    case 'number': {
      if (ID_FIELDS.has(field)) return idArb;
      const min = bag.min ?? -1000;
      const max = bag.max ?? min + 1000;
      return bag.int ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) }) : fc.double({ min, max, noNaN: true });
    }
    case 'string':
      return fc.string({ minLength: bag.min ?? 0, maxLength: Math.min(bag.max ?? 40, 40) });
    default:
      return fc.jsonValue({ maxDepth: 3 });
  }
}

function presets(): Record<string, unknown>[] {
  const dir = join(root, 'resources', 'presets');
  return ['InvertedPendulum-expert-trpo.json', 'InvertedPendulum-expert-ppo.json', 'InvertedPendulum-bc.json', 'InvertedPendulum-gail.json', 'InvertedPendulum-sample.json'].map(
    (f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as Record<string, unknown>,
  );
}

function quickSweep(): Record<string, unknown> {
  return JSON.parse(readFileSync(join(root, 'resources', 'presets', 'sweeps', 'InvertedPendulum-quick.json'), 'utf8')) as Record<string, unknown>;
}

function syntheticDataset(trajectories: number): Dataset {
  const length = 5;
  const t = () => ({
    obs: new Float32Array(length * 4).map((_, i) => Math.sin(i)),
    actions: new Float32Array(length).map((_, i) => Math.cos(i) / 2),
    rewards: new Float32Array(length).fill(1),
    qpos: new Float64Array((length + 1) * 2),
    qvel: new Float64Array((length + 1) * 2),
    return: length,
    length,
    terminated: false,
  });
  return { env: ENV, obsDim: 4, actDim: 1, nq: 2, nv: 2, source: { made: 'fuzz' }, trajectories: Array.from({ length: trajectories }, t) };
}

function caseArb(npzBase64: string): fc.Arbitrary<Case> {
  const configs = presets();
  const jsonValue = fc.jsonValue({ maxDepth: 4 });
  const overrides: Record<string, fc.Arbitrary<unknown>> = {
    config: fc.oneof(
      { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...configs), fc.integer({ min: 0, max: 20 }), fc.constantFrom('run:1', 'run:3', 'dataset:1', 'dataset:99', '/etc/passwd', '../../..')).map(([c, seed, ref]) => ({ ...c, seed, ...('policy' in c ? { policy: ref } : {}), ...('dataset' in c ? { dataset: ref } : {}) })) },
      { weight: 1, arbitrary: jsonValue },
    ),
    spec: fc.oneof(
      { weight: 4, arbitrary: fc.record({ seeds: fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { minLength: 1, maxLength: 3 }), trajectories: fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 3 }) }).map((r) => ({ ...quickSweep(), ...r })) },
      { weight: 1, arbitrary: jsonValue },
    ),
    data: fc.oneof({ weight: 3, arbitrary: fc.constant(npzBase64) }, { weight: 1, arbitrary: fc.base64String({ maxLength: 64 }) }),
    env: fc.oneof({ weight: 4, arbitrary: fc.constant(ENV) }, { weight: 2, arbitrary: fc.constantFrom(...ENV_IDS) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) }),
  };
  const methods = API_METHODS;
  const valid = fc.constantFrom(...methods).chain((method) => fromSchema(apiRequestSchemas[method] as z.ZodType, '', overrides).map((body) => ({ method, body })));
  const brokenField = valid.chain(({ method, body }) =>
    fc.tuple(fc.nat(), jsonValue).map(([k, junk]): Case => {
      if (body === null || typeof body !== 'object' || Object.keys(body).length === 0) return { kind: 'invalid', method, body: { ...(body as object), junk }, how: 'extra key' };
      const keys = Object.keys(body);
      return { kind: 'invalid', method, body: { ...(body as object), [keys[k % keys.length]]: junk }, how: 'field replaced' };
    }),
  );
  return fc.oneof(
    { weight: 6, arbitrary: valid.map(({ method, body }): Case => ({ kind: 'valid', method, body })) },
    { weight: 4, arbitrary: brokenField },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...methods), jsonValue).map(([method, body]): Case => ({ kind: 'invalid', method, body, how: 'random JSON' })) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...methods), fc.string({ maxLength: 60 })).map(([method, text]): Case => ({ kind: 'raw', method, text, how: 'random text' })) },
    {
      weight: 2,
      arbitrary: fc
        .record({
          fault: fc.constantFrom('deep', 'declaredHuge', 'cutOff', 'unknownMethod', 'get') as fc.Arbitrary<'deep' | 'declaredHuge' | 'cutOff' | 'unknownMethod' | 'get'>,
          method: fc.constantFrom(...methods),
          depth: fc.integer({ min: 33, max: 20_000 }),
          name: fc.string({ minLength: 1, maxLength: 20 }),
        })
        .map((f): Case => ({ kind: 'fault', ...f })),
    },
  );
}

/** The request as the server reads it (undefined: not JSON). */
function requestBody(c: Extract<Case, { kind: 'valid' | 'invalid' | 'raw' }>): unknown {
  if (c.kind !== 'raw') return c.body;
  try {
    return c.text.trim() === '' ? {} : (JSON.parse(c.text) as unknown);
  } catch {
    return undefined;
  }
}

function wouldBeAccepted(c: Extract<Case, { kind: 'valid' | 'invalid' | 'raw' }>): boolean {
  const body = requestBody(c);
  return body !== undefined && apiRequestSchemas[c.method].safeParse(body).success;
}

// ---- the server ------------------------------------------------------------

interface Served {
  child: ChildProcess;
  url: string;
  token: string;
  /** What the server printed on stderr (why it died, if it did). */
  stderr: () => string;
}

async function startServe(home: string): Promise<Served> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'serve', '--port', '0', '--home', home, '--json'], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const line = await new Promise<string>((ok, fail) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) ok(out.slice(0, nl));
    });
    child.once('exit', (code) => fail(new Error(`serve exited (${code}) before it listened: ${err}`)));
  });
  const open = new URL((JSON.parse(line) as { url: string }).url);
  return { child, url: open.origin, token: open.searchParams.get('token')!, stderr: () => err };
}

async function stopServe(s: Served, signal: NodeJS.Signals): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise<void>((ok) => s.child.once('exit', () => ok()));
  process.kill(-s.child.pid!, signal);
  await exited;
}

interface Answer {
  status: number;
  body: string;
}

/** One HTTP exchange; a body longer than `send` is declared but cut off (the socket is destroyed). */
function exchange(s: Served, o: { path: string; method?: string; body?: string; declared?: number; cutAfter?: number }): Promise<Answer | 'cut'> {
  return new Promise((ok, fail) => {
    const body = Buffer.from(o.body ?? '');
    const headers: Record<string, string | number> = { 'x-imlab-token': s.token, 'content-type': 'application/json', 'content-length': o.declared ?? body.length };
    const req = request(`${s.url}${o.path}`, { method: o.method ?? 'POST', headers }, (res) => {
      let text = '';
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => {
        req.destroy();
        ok({ status: res.statusCode ?? 0, body: text });
      });
      res.on('error', fail);
    });
    req.on('error', (e) => (o.cutAfter !== undefined || o.declared !== undefined ? ok('cut') : fail(e)));
    if (o.cutAfter !== undefined) {
      req.write(body.subarray(0, o.cutAfter), () => setTimeout(() => req.destroy(), 20));
      return;
    }
    if (o.declared !== undefined) {
      // Declares far more than it sends; the server must answer at once.
      req.write(body);
      return;
    }
    req.end(body);
  });
}

// ---- the run ---------------------------------------------------------------

interface Counts {
  runs: number;
  metrics: number;
  datasets: number;
  sweeps: number;
}

export async function fuzzApi(o: FuzzOptions): Promise<FuzzReport> {
  const log = o.log ?? (() => {});
  const home = tempDir('fuzz');
  const dbPath = join(home, 'imlab.db');
  const npz = exportDatasetNpz(syntheticDataset(3)).toString('base64');

  // A folder with history: runs (with metric rows) and a dataset, and a paused queue.
  const seed = new Store(dbPath);
  const seeded = seed.createRuns(
    Array.from({ length: 8 }, (_, i) => ({ name: `seed ${i}`, kind: 'expert', env: ENV, method: 'trpo', trajectories: null, seed: i, config: { ...presets()[0], seed: i }, status: i % 2 ? 'failed' : 'succeeded' })),
    (id) => join(home, 'runs', String(id)),
  );
  for (const id of seeded) seed.insertMetricBatch(id, Array.from({ length: 50 }, (_, k) => ({ iteration: k + 1, envSteps: (k + 1) * 1024, values: { kl: k / 100, episodeReturn: k } })));
  seed.insertDataset(syntheticDataset(4), 'seeded', seeded[0]);
  seed.setSetting('queue.paused', true);
  seed.close();

  let served = await startServe(home);
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  const counts = (): Counts => ({
    runs: (db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n,
    metrics: (db.prepare('SELECT count(*) AS n FROM metrics').get() as { n: number }).n,
    datasets: (db.prepare('SELECT count(*) AS n FROM datasets').get() as { n: number }).n,
    sweeps: (db.prepare('SELECT count(*) AS n FROM sweeps').get() as { n: number }).n,
  });
  const metricRowsOf = (id: number) => (db.prepare('SELECT count(*) AS n FROM metrics WHERE run_id = ?').get(id) as { n: number }).n;
  const maxRunId = () => (db.prepare('SELECT coalesce(max(id), 0) AS n FROM runs').get() as { n: number }).n;

  /** What must still be there: every run not deleted by an accepted call, with its metric rows; every dataset. */
  const expectedRuns = new Map<number, number>(seeded.map((id) => [id, metricRowsOf(id)]));
  const expectedDatasets = new Set<number>((db.prepare('SELECT id FROM datasets').all() as { id: number }[]).map((r) => r.id));

  const report: FuzzReport = {
    seed: o.seed,
    cases: 0,
    seconds: 0,
    statuses: {},
    methods: {},
    faults: {},
    faultsTotal: 0,
    restarts: 0,
    dataLost: { runs: 0, metricRows: 0, datasets: 0 },
    integrity: '',
    failure: null,
  };
  const fault = (name: string) => {
    report.faults[name] = (report.faults[name] ?? 0) + 1;
    report.faultsTotal++;
  };

  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(what);
  };

  const checkAnswer = (a: Answer, what: string) => {
    report.statuses[a.status] = (report.statuses[a.status] ?? 0) + 1;
    check(a.status < 500 && a.status >= 200, `${what}: HTTP ${a.status} ${a.body.slice(0, 300)}`);
    if (a.status >= 400) {
      let error: { code?: unknown; message?: unknown; field?: unknown } | undefined;
      try {
        error = (JSON.parse(a.body) as { error?: typeof error }).error;
      } catch {
        error = undefined;
      }
      check(typeof error?.code === 'string' && typeof error.message === 'string' && error.message.length > 0, `${what}: ${a.status} without an error message: ${a.body.slice(0, 200)}`);
      check(typeof error?.field === 'string' && error.field.length > 0, `${what}: ${a.status} without the field: ${a.body.slice(0, 200)}`);
    }
  };

  const alive = async (what: string) => {
    const a = await exchange(served, { path: '/api/getQueue', body: '{}' });
    check(a !== 'cut' && a.status === 200, `${what}: the server stopped answering`);
    const q = JSON.parse((a as Answer).body) as { paused: boolean; running: number };
    check(q.paused && q.running === 0, `${what}: the queue is no longer paused (${(a as Answer).body})`);
  };

  const runCase = async (c: Case): Promise<void> => {
    report.cases++;
    const what = JSON.stringify(c).slice(0, 400);
    if (o.killEvery > 0 && report.cases % o.killEvery === 0) {
      fault('sigkillServer');
      await stopServe(served, 'SIGKILL');
      served = await startServe(home);
      report.restarts++;
      log(`case ${report.cases}: server killed and restarted`);
    }
    const before = counts();
    const beforeMax = maxRunId();
    let accepted: { method: ApiMethod; value: unknown; request: unknown } | null = null;
    let deletedRows = 0;

    if (c.kind === 'fault') {
      fault(c.fault);
      let answer: Answer | 'cut';
      switch (c.fault) {
        case 'deep':
          answer = await exchange(served, { path: `/api/${c.method}`, body: `{"x":${'['.repeat(c.depth)}1${']'.repeat(c.depth)}}` });
          break;
        case 'declaredHuge':
          answer = await exchange(served, { path: `/api/${c.method}`, body: '{"a":', declared: 300 * 1024 * 1024 });
          break;
        case 'cutOff':
          answer = await exchange(served, { path: `/api/${c.method}`, body: JSON.stringify({ spec: quickSweep(), config: presets()[0] }), declared: 100_000, cutAfter: 200 });
          break;
        case 'unknownMethod':
          answer = await exchange(served, { path: `/api/${encodeURIComponent(c.name)}x`, body: '{}' });
          break;
        case 'get':
          answer = await exchange(served, { path: `/api/${c.method}`, method: 'GET' });
          break;
      }
      if (answer !== 'cut') {
        checkAnswer(answer, what);
        check(answer.status >= 400, `${what}: a fault was accepted (${answer.status})`);
      }
    } else {
      // The queue stays paused: a body resumeQueue would accept is never sent (runs would start executing).
      if (c.method === 'resumeQueue' && wouldBeAccepted(c)) return;
      const sent = requestBody(c);
      const deleting = c.method === 'deleteRun' && sent !== null && typeof sent === 'object' ? (sent as { id?: unknown }).id : undefined;
      if (typeof deleting === 'number') deletedRows = metricRowsOf(deleting);
      const text = c.kind === 'raw' ? c.text : JSON.stringify(c.body);
      const answer = await exchange(served, { path: `/api/${c.method}`, body: text });
      check(answer !== 'cut', `${what}: the connection was cut`);
      const a = answer as Answer;
      checkAnswer(a, what);
      if (c.kind === 'valid') {
        const m = (report.methods[c.method] ??= { sent: 0, accepted: 0 });
        m.sent++;
        if (a.status < 300) m.accepted++;
      }
      if (a.status < 300) accepted = { method: c.method, value: JSON.parse(a.body) as unknown, request: sent };
    }

    const after = counts();
    const expected: Counts = { ...before };
    switch (accepted?.method) {
      case 'queueRun':
        expected.runs += 1;
        expectedRuns.set((accepted.value as { id: number }).id, 0);
        break;
      case 'queueSweep': {
        const v = accepted.value as { runIds: number[] };
        expected.runs += v.runIds.length;
        expected.sweeps += 1;
        for (const id of v.runIds) expectedRuns.set(id, 0);
        break;
      }
      case 'retryRun': {
        const id = (accepted.value as { id: number }).id;
        if (id > beforeMax) {
          expected.runs += 1;
          expectedRuns.set(id, 0);
        }
        break;
      }
      case 'deleteRun':
        expected.runs -= 1;
        expected.metrics -= deletedRows;
        expectedRuns.delete((accepted.request as { id: number }).id);
        break;
      case 'importDatasetNpz':
        expected.datasets += 1;
        expectedDatasets.add((accepted.value as { id: number }).id);
        break;
      default:
        break;
    }
    check(JSON.stringify(after) === JSON.stringify(expected), `${what}: counts changed from ${JSON.stringify(before)} to ${JSON.stringify(after)}, expected ${JSON.stringify(expected)}`);
    if (c.kind === 'fault' || report.cases % 25 === 0) await alive(what);
  };

  const started = Date.now();
  // fast-check stops at the time limit without waiting for the case in flight; the harness does.
  let inFlight: Promise<void> = Promise.resolve();
  try {
    const result = await fc.check(
      fc.asyncProperty(caseArb(npz), (c) => (inFlight = runCase(c))),
      { seed: o.seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: o.timeLimitMs, markInterruptAsFailure: false, endOnFailure: true },
    );
    await inFlight.catch(() => {});
    if (result.failed) {
      const exited = served.child.exitCode !== null || served.child.signalCode !== null;
      report.failure = `${(result.errorInstance as Error | undefined)?.message ?? 'property failed'} (seed ${result.seed}, path ${result.counterexamplePath}, case ${JSON.stringify(result.counterexample)?.slice(0, 600)})${exited ? `; the server exited: ${served.stderr().slice(-2000)}` : ''}`;
    }
    report.seconds = (Date.now() - started) / 1000;
    await alive('after fuzzing').catch((e: Error) => (report.failure ??= e.message));
  } finally {
    await stopServe(served, 'SIGTERM');
  }
  for (const [id, rows] of expectedRuns) {
    const present = (db.prepare('SELECT 1 FROM runs WHERE id = ?').get(id) as unknown) !== undefined;
    if (!present) report.dataLost.runs++;
    report.dataLost.metricRows += Math.max(0, rows - metricRowsOf(id));
  }
  for (const id of expectedDatasets) if (db.prepare('SELECT 1 FROM datasets WHERE id = ?').get(id) === undefined) report.dataLost.datasets++;
  db.close();
  const final = new Database(dbPath, { readonly: true });
  report.integrity = final.pragma('integrity_check', { simple: true }) as string;
  final.close();
  return report;
}
