/**
 * The queue against careless use: resuming a cancelled upstream run frees its
 * blocked dependents, a retry happens once per attempt, ids and run folders
 * are never handed out twice (also on a database migrated from schema 2), a
 * sweep never lists a combination twice, and a config's references are
 * checked when it is queued, without echoing what a file contains.
 * Runs execute in a fake executor: experts succeed at once, a run named
 * "fails" fails, anything else (an expert named "stays" too) runs until it
 * is stopped. The local concurrency counts an ARS run's threads.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../src/shared/progress';
import type { RunStatus } from '../../src/shared/runs';
import { startCoordinator, type Coordinator } from '../../src/main/core/service';
import type { RunCallbacks, RunExecutor } from '../../src/main/core/queue/executor';
import type { StartMessage } from '../../src/main/core/runs/processProtocol';
import { resourcesDir } from '../../src/main/core/resources';
import { MIGRATIONS } from '../../src/main/core/store/migrations';
import { Store } from '../../src/main/core/store/store';
import { tempDir } from '../helpers/runs';
import { withReadDb } from '../helpers/db';
import { waitFor } from '../helpers/coordinator';

/** A pid no process has (above Linux's pid_max), so crash recovery never signals a real process. */
const NO_PID = 2_000_000_000;

class FakeExecutor implements RunExecutor {
  readonly started: StartMessage[] = [];

  start(m: StartMessage, cb: RunCallbacks) {
    this.started.push(m);
    const config = m.config as { kind: RunSummary['kind']; env: string; name?: string };
    let exited = false;
    const exit = (code: number | null, signal: NodeJS.Signals | null) =>
      setImmediate(() => {
        if (exited) return;
        exited = true;
        cb.onExit(code, signal);
      });
    if (config.name === 'fails') exit(1, null);
    else if (config.kind === 'expert' && config.name !== 'stays') {
      const summary: RunSummary = { done: true, kind: config.kind, env: config.env, finalEval: null, envSteps: 0, envStepsPerSec: 0, backend: 'js', wallSeconds: 0, artifacts: {} };
      setImmediate(() => cb.onMessage({ type: 'event', event: { type: 'done', summary } }));
      exit(0, null);
    }
    return { pid: NO_PID, stop: () => exit(3, null), kill: () => exit(null, 'SIGKILL') };
  }
}

const env = 'InvertedPendulum-v5';
const expert = (name?: string) => ({ kind: 'expert', env, totalSteps: 64, ...(name ? { name } : {}) });
const quickSweep = () => JSON.parse(readFileSync(join(resourcesDir(), 'presets', 'sweeps', 'InvertedPendulum-quick.json'), 'utf8')) as Record<string, unknown>;

let open: Coordinator[] = [];
afterEach(async () => {
  for (const c of open) await c.close();
  open = [];
});

async function coordinator(home = tempDir('queue-safety')): Promise<Coordinator & { executor: FakeExecutor }> {
  const executor = new FakeExecutor();
  const c = await startCoordinator({ appVersion: 'test', home, executor, concurrency: 2, stopGraceMs: 1000 });
  open.push(c);
  return Object.assign(c, { executor });
}

const statusOf = async (c: Coordinator, id: number): Promise<RunStatus> => (await c.api.getRun({ id })).status;

describe('resuming a cancelled upstream run', () => {
  it('queues its blocked dependents again; they run once it succeeds', async () => {
    const c = await coordinator();
    await c.api.pauseQueue({});
    const { runIds } = await c.api.queueSweep({ spec: quickSweep() });
    const [expertId, sampleId, ...imitation] = runIds;
    await c.api.cancelRun({ id: expertId });
    for (const id of [sampleId, ...imitation]) expect(await statusOf(c, id)).toBe('blocked');
    await c.api.resumeRun({ id: expertId });
    for (const id of [sampleId, ...imitation]) expect(await statusOf(c, id)).toBe('queued');
    await c.api.resumeQueue({});
    await waitFor(async () => (await statusOf(c, sampleId)) === 'running', 20_000, 'the sample run to start');
    expect(await statusOf(c, expertId)).toBe('succeeded');
    for (const id of imitation) expect(await statusOf(c, id)).toBe('queued');
  });

  it('keeps a dependent blocked while another of its upstream runs is still cancelled', async () => {
    const c = await coordinator();
    await c.api.pauseQueue({});
    const a = (await c.api.queueRun({ config: expert() })).id;
    const b = (await c.api.queueRun({ config: expert() })).id;
    const dependent = c.queue.enqueue([{ name: 'needs both', kind: 'eval', env, method: 'eval', trajectories: null, seed: 0, config: { kind: 'eval', env, policy: `run:${a}` }, dependsOn: [{ id: a }, { id: b }] }])[0];
    await c.api.cancelRun({ id: a });
    await c.api.cancelRun({ id: b });
    expect(await statusOf(c, dependent)).toBe('blocked');
    await c.api.resumeRun({ id: a });
    expect(await statusOf(c, dependent)).toBe('blocked');
    await c.api.resumeRun({ id: b });
    expect(await statusOf(c, dependent)).toBe('queued');
  });
});

describe('the local concurrency', () => {
  const staying = (extra: Record<string, unknown> = {}) => ({ ...expert('stays'), ...extra });
  const ars = (workers: number) => staying({ algorithm: 'ars', hiddenSizes: [], ars: { workers } });
  const started = (c: Coordinator & { executor: FakeExecutor }) => c.executor.started.map((m) => (m.config as { algorithm: string }).algorithm);

  it('counts an ARS run\'s threads: with 2 slots, a 2-thread ARS run runs alone, and runs behind it wait for it', async () => {
    const c = await coordinator();
    await c.api.pauseQueue({});
    const wide = (await c.api.queueRun({ config: ars(2), priority: 5 })).id;
    const narrow = [(await c.api.queueRun({ config: staying() })).id, (await c.api.queueRun({ config: staying() })).id];
    await c.api.resumeQueue({});
    await waitFor(async () => (await statusOf(c, wide)) === 'running', 20_000, 'the ARS run to start');
    await new Promise((r) => setTimeout(r, 300));
    for (const id of narrow) expect(await statusOf(c, id)).toBe('queued');
    await c.api.cancelRun({ id: wide });
    for (const id of narrow) await waitFor(async () => (await statusOf(c, id)) === 'running', 20_000, `run ${id} to start`);
    expect(started(c)).toEqual(['ars', 'trpo', 'trpo']);
  });

  it('keeps a free slot for a wide run ahead in the queue rather than giving it to a narrow one behind it', async () => {
    const c = await coordinator();
    await c.api.pauseQueue({});
    const first = (await c.api.queueRun({ config: staying(), priority: 9 })).id;
    const wide = (await c.api.queueRun({ config: ars(2), priority: 5 })).id;
    const behind = (await c.api.queueRun({ config: staying(), priority: 1 })).id;
    await c.api.resumeQueue({});
    await waitFor(async () => (await statusOf(c, first)) === 'running', 20_000, 'the first run to start');
    await new Promise((r) => setTimeout(r, 300));
    expect(await statusOf(c, wide)).toBe('queued');
    expect(await statusOf(c, behind)).toBe('queued');
    await c.api.cancelRun({ id: first });
    await waitFor(async () => (await statusOf(c, wide)) === 'running', 20_000, 'the ARS run to start');
    expect(await statusOf(c, behind)).toBe('queued');
    // Wider than the whole pool: it still runs, alone.
    await c.api.cancelRun({ id: wide });
    await waitFor(async () => (await statusOf(c, behind)) === 'running', 20_000, 'the last run to start');
    const widest = (await c.api.queueRun({ config: ars(3), priority: 9 })).id;
    await c.api.cancelRun({ id: behind });
    await waitFor(async () => (await statusOf(c, widest)) === 'running', 20_000, 'the 3-thread run to start');
    expect(started(c)).toEqual(['trpo', 'ars', 'trpo', 'ars']);
  });
});

describe('retrying a failed run', () => {
  it('makes one next attempt however many times it is asked at once', async () => {
    const c = await coordinator();
    const { id } = await c.api.queueRun({ config: expert('fails') });
    await waitFor(async () => (await statusOf(c, id)) === 'failed', 20_000, 'the run to fail');
    await c.api.pauseQueue({});
    const before = c.store.countRuns();
    const answers = await Promise.all([c.api.retryRun({ id }), c.api.retryRun({ id }), c.api.retryRun({ id })]);
    expect(new Set(answers.map((a) => a.id)).size).toBe(1);
    expect(c.store.countRuns()).toBe(before + 1);
    const attempt = await c.api.getRun({ id: answers[0].id });
    expect(attempt).toMatchObject({ attempt: 2, retryOf: id });
    expect((await c.api.retryRun({ id })).id).toBe(answers[0].id);
  });
});

describe('ids and run folders', () => {
  it('never hands a deleted run id or an existing run folder to a new run', async () => {
    const home = tempDir('queue-ids');
    const c = await coordinator(home);
    await c.api.pauseQueue({});
    const first = (await c.api.queueRun({ config: expert() })).id;
    const second = (await c.api.queueRun({ config: expert() })).id;
    await c.api.deleteRun({ id: second });
    const third = (await c.api.queueRun({ config: expert() })).id;
    expect(third).toBeGreaterThan(second);
    mkdirSync(join(home, 'runs', String(third + 1)));
    const fourth = (await c.api.queueRun({ config: expert() })).id;
    expect(fourth).toBe(third + 1);
    expect((await c.api.getRun({ id: fourth })).dir).toBe(join(home, 'runs', `${fourth}-2`));
    expect((await c.api.getRun({ id: first })).dir).toBe(join(home, 'runs', String(first)));
  });

  it('migrates a schema-2 database to 3, keeping its runs, metrics and datasets, and then never reuses an id', () => {
    const path = join(tempDir('migrate-v2'), 'imlab.db');
    const raw = new Database(path);
    for (const m of MIGRATIONS.filter((m) => m.version <= 2)) raw.exec(m.sql);
    raw.pragma('user_version = 2');
    const insert = raw.prepare("INSERT INTO runs (name, kind, env, method, seed, config, status, created_at, dir) VALUES (?, 'expert', ?, 'trpo', 0, '{}', 'succeeded', 0, ?)");
    for (const name of ['a', 'b', 'c']) insert.run(name, env, `/runs/${name}`);
    raw.prepare("INSERT INTO metric_names (name) VALUES ('kl')").run();
    raw.prepare('INSERT INTO metrics (run_id, name_id, step, env_steps, value) VALUES (2, 1, 1, 10, 0.5), (2, 1, 2, 20, 0.25)').run();
    raw.prepare("INSERT INTO datasets (name, env, obs_dim, act_dim, nq, nv, source, trajectories, steps, mean_return, std_return, created_at) VALUES ('d', ?, 4, 1, 2, 2, '{}', 0, 0, 0, 0, 0)").run(env);
    raw.close();

    const s = new Store(path);
    try {
      expect(withReadDb(path, (db) => db.pragma('user_version', { simple: true }))).toBeGreaterThanOrEqual(3);
      expect(s.listRuns().map((r) => [r.id, r.name])).toEqual([[3, 'c'], [2, 'b'], [1, 'a']]);
      expect(s.allMetrics(2)).toEqual([
        { step: 1, envSteps: 10, name: 'kl', value: 0.5 },
        { step: 2, envSteps: 20, name: 'kl', value: 0.25 },
      ]);
      expect(s.listDatasets().map((d) => d.id)).toEqual([1]);
      expect(s.integrityCheck()).toBe('ok');
      s.deleteRun(3);
      const [next] = s.createRuns([{ name: 'd', kind: 'expert', env, method: 'trpo', trajectories: null, seed: 0, config: {} }], (id) => `/runs/${id}`);
      expect(next).toBe(4);
      s.deleteDataset(1);
      const dataset = s.insertDataset({ env, obsDim: 4, actDim: 1, nq: 2, nv: 2, source: {}, trajectories: [] }, 'again', null);
      expect(dataset).toBe(2);
    } finally {
      s.close();
    }
  });
});

describe('sweeps', () => {
  it.each([
    ['seeds', { seeds: [0, 1, 0] }, 'seeds[2]', /seed 0 is listed twice/],
    ['trajectories', { trajectories: [4, 4] }, 'trajectories[1]', /trajectory count 4 is listed twice/],
    ['methods', { methods: ['gail', 'bc', 'gail'] }, 'methods[2]', /method "gail" is listed twice/],
    ['envs', { envs: [env, env] }, 'envs[1]', /InvertedPendulum-v5" is listed twice/],
  ])('refuse a duplicate in %s, naming it, and queue nothing', async (_what, change, field, message) => {
    const c = await coordinator();
    await c.api.pauseQueue({});
    await expect(c.api.queueSweep({ spec: { ...quickSweep(), ...change } })).rejects.toMatchObject({ code: 'invalid_input', field, message: expect.stringMatching(message) as unknown });
    expect(c.store.countRuns()).toBe(0);
    expect(c.store.listSweeps()).toEqual([]);
  });
});

describe('references in a config are checked when it is queued', () => {
  const secretDir = tempDir('refs');
  const secret = join(secretDir, 'passwd');
  writeFileSync(secret, 'root:x:0:0:root:/root:/bin/bash\n');

  it.each([
    ['a system file as policy', { kind: 'eval', env, policy: secret }, 'policy', 'invalid_input', /is not a policy file/],
    ['a folder without a policy', { kind: 'eval', env, policy: '../../..' }, 'policy', 'not_found', /does not exist or has no policy\.json/],
    ['a missing file', { kind: 'sample', env, policy: join(secretDir, 'nope.json') }, 'policy', 'not_found', /does not exist/],
    ['a missing stored dataset', { kind: 'bc', env, dataset: 'dataset:999', trajectories: 1 }, 'dataset', 'not_found', /dataset 999 does not exist/],
    ['a system file as dataset', { kind: 'gail', env, dataset: secret, trajectories: 1, totalSteps: 64 }, 'dataset', 'invalid_input', /is not a dataset file/],
    ['a dataset reference as policy', { kind: 'eval', env, policy: 'dataset:1' }, 'policy', 'invalid_input', /is a dataset, not a policy/],
    ['a missing run', { kind: 'eval', env, policy: 'run:999' }, 'policy', 'not_found', /run 999 does not exist/],
    ['a malformed reference', { kind: 'eval', env, policy: 'run:abc' }, 'policy', 'invalid_input', /is not a reference/],
  ])('refuses %s, never quoting the file', async (_what, config, field, code, message) => {
    const c = await coordinator();
    await c.api.pauseQueue({});
    const error = (await c.api.queueRun({ config }).then(
      () => null,
      (e: unknown) => e,
    )) as { code: string; field: string; message: string } | null;
    expect(error).toMatchObject({ code, field, message: expect.stringMatching(message) as unknown });
    expect(error!.message).not.toContain('root:x');
    expect(c.store.countRuns()).toBe(0);
  });

  it('refuses a run that makes no policy, or is on another environment', async () => {
    const c = await coordinator();
    await c.api.pauseQueue({});
    const sample = c.queue.enqueue([{ name: 's', kind: 'sample', env, method: 'sample', trajectories: null, seed: 0, config: { kind: 'sample', env, policy: 'x' } }])[0];
    const hopper = (await c.api.queueRun({ config: { kind: 'expert', env: 'Hopper-v5', totalSteps: 64 } })).id;
    await expect(c.api.queueRun({ config: { kind: 'eval', env, policy: `run:${sample}` } })).rejects.toMatchObject({ field: 'policy', message: expect.stringMatching(/sample run, which does not produce a policy/) as unknown });
    await expect(c.api.queueRun({ config: { kind: 'eval', env, policy: `run:${hopper}` } })).rejects.toMatchObject({ field: 'policy', message: expect.stringMatching(/is on Hopper-v5/) as unknown });
    await expect(c.api.queueSweep({ spec: { ...quickSweep(), expert: undefined, dataset: 'dataset:7' } })).rejects.toMatchObject({ field: 'dataset', code: 'not_found' });
  });

  it('accepts policy and dataset files that are what they claim', async () => {
    const c = await coordinator();
    await c.api.pauseQueue({});
    const policy = join(secretDir, 'policy.json');
    writeFileSync(policy, JSON.stringify({ format: 'imlab-policy/1', env }));
    const dataset = join(secretDir, 'dataset.json');
    writeFileSync(dataset, JSON.stringify({ env, trajectories: [], format: 'imlab-dataset/1' }));
    expect((await c.api.queueRun({ config: { kind: 'eval', env, policy } })).id).toBeGreaterThan(0);
    expect((await c.api.queueRun({ config: { kind: 'eval', env, policy: secretDir } })).id).toBeGreaterThan(0);
    expect((await c.api.queueRun({ config: { kind: 'bc', env, dataset, trajectories: 1 } })).id).toBeGreaterThan(0);
  });
});
