/**
 * One API contract suite, run twice with the same cases and assertions:
 * against the service in-process, and through the web shell over real HTTP
 * (methods as POST, events over SSE).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunRow } from '../../src/shared/runs';
import { MAX_SWEEP_RUNS } from '../../src/shared/sweeps';
import { ImlabError } from '../../src/shared/errors';
import { httpBackend, inProcessBackend, waitFor, type TestBackend } from '../helpers/coordinator';

const env = 'InvertedPendulum-v5';
const tinyExpert = (totalSteps = 2048) => ({ kind: 'expert', env, totalSteps, evalEvery: 1, checkpointEvery: 1, finalEvalEpisodes: 2 });

async function expectError(p: Promise<unknown>, code: string, field?: string): Promise<ImlabError> {
  let error: unknown;
  try {
    await p;
  } catch (e) {
    error = e;
  }
  expect(error, 'expected the call to fail').toBeInstanceOf(ImlabError);
  const e = error as ImlabError;
  expect(e.code).toBe(code);
  if (field !== undefined) expect(e.field).toBe(field);
  return e;
}

describe.each([
  ['in-process service', inProcessBackend],
  ['web shell over HTTP', httpBackend],
] as const)('API contract: %s', (_name, make) => {
  let b: TestBackend;
  const seen: RunRow[] = [];

  beforeAll(async () => {
    b = await make();
    b.subscribe('runChanged', (r) => seen.push(r));
  });
  afterAll(() => b.close());

  const finished = (id: number) => waitFor(async () => {
    const r = await b.api.getRun({ id });
    return ['succeeded', 'failed', 'cancelled', 'blocked'].includes(r.status) && r;
  }, 90_000, `run ${id} to finish`);

  it('lists the environments and the system', async () => {
    const envs = await b.api.listEnvs({});
    expect(envs.map((e) => e.id)).toContain('Humanoid-v5');
    const info = await b.api.systemInfo({});
    expect(info.mujocoVersion).toBe('3.14.0');
  });

  it('runs a queued run to success, reporting metrics, evaluations and events', async () => {
    const { id } = await b.api.queueRun({ config: tinyExpert(), name: 'contract expert' });
    const run = await finished(id);
    expect(run).toMatchObject({ status: 'succeeded', name: 'contract expert', kind: 'expert', iteration: 2, envSteps: 2048, backend: 'wasm' });
    expect(run.finalEpisodes).toBe(2);
    expect(run.evaluations.filter((e) => !e.final)).toHaveLength(2);
    expect(run.checkpoints.length).toBeGreaterThan(0);
    const names = await b.api.listMetricNames({ runId: id });
    expect(names).toEqual(expect.arrayContaining(['kl', 'valueLoss', 'envStepsPerSec']));
    const [kl] = await b.api.getMetrics({ runId: id, names: ['kl'] });
    expect(kl.steps).toEqual([1, 2]);
    expect(kl.total).toBe(2);
    const [one] = await b.api.getMetrics({ runId: id, names: ['kl'], sinceStep: 2 });
    expect(one.steps).toEqual([2]);
    await waitFor(() => seen.some((r) => r.id === id && r.status === 'succeeded'), 10_000, 'the succeeded event');
    const statuses = seen.filter((r) => r.id === id).map((r) => r.status);
    expect(statuses).toContain('running');
    const page = await b.api.listRuns({ status: ['succeeded'] });
    expect(page.runs.map((r) => r.id)).toContain(id);
  }, 120_000);

  it('expands a sweep into named, dependent runs that all succeed and fill the results table', async () => {
    const spec = {
      name: 'contract sweep',
      envs: [env],
      expert: { totalSteps: 2048, evalEvery: 0, finalEvalEpisodes: 2 },
      sample: { episodes: 2 },
      methods: ['bc', 'gail'],
      trajectories: [1],
      seeds: [0, 1],
      bc: { iterations: 30, validateEvery: 10, evalEvery: 0, finalEvalEpisodes: 2 },
      gail: { totalSteps: 3072, evalEvery: 0, finalEvalEpisodes: 2 },
    };
    const { sweepId, runIds } = await b.api.queueSweep({ spec });
    expect(runIds).toHaveLength(6);
    const runs = await Promise.all(runIds.map((id) => b.api.getRun({ id })));
    expect(runs.map((r) => r.name)).toEqual([
      `expert·${env}·s=0`,
      `sample·${env}·n=2`,
      `bc·${env}·k=1·s=0`,
      `bc·${env}·k=1·s=1`,
      `gail·${env}·k=1·s=0`,
      `gail·${env}·k=1·s=1`,
    ]);
    expect(runs[1].dependsOn).toEqual([runIds[0]]);
    expect(runs[4].dependsOn).toEqual([runIds[1]]);
    for (const id of runIds) expect((await finished(id)).status).toBe('succeeded');
    // The sample run's env steps come from its summary: 2 episodes of at least one step.
    const sampled = await b.api.getRun({ id: runIds[1] });
    expect(sampled.envSteps).toBe((sampled.summary as { envSteps: number }).envSteps);
    expect(sampled.envSteps).toBeGreaterThanOrEqual(2);
    const datasets = await b.api.listDatasets({});
    expect(datasets.some((d) => d.sourceRunId === runIds[1] && d.trajectories === 2)).toBe(true);
    const dataset = datasets.find((d) => d.sourceRunId === runIds[1])!;
    const trajectories = await b.api.listTrajectories({ datasetId: dataset.id });
    expect(trajectories).toHaveLength(2);
    const replay = await b.api.getReplay({ trajectoryId: trajectories[0].id });
    expect(replay).toMatchObject({ env, frames: trajectories[0].length + 1, dt: 0.04 });
    const bytes = Buffer.from(replay.positions, 'base64');
    const positions = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    expect(positions.length).toBe(replay.frames * replay.geoms.length * 3);
    expect(positions.every(Number.isFinite)).toBe(true);
    expect(replay.geoms.map((g) => g.type)).toContain('capsule');
    const table = await b.api.resultsTable({ sweepId });
    const methods = table.rows.map((r) => `${r.method}:${r.trajectories ?? ''}:${r.seeds}`);
    expect(methods).toEqual(expect.arrayContaining(['expert::1', 'random::1', 'bc:1:2', 'gail:1:2']));
    const gail = table.rows.find((r) => r.method === 'gail')!;
    expect(gail.normalized).not.toBeNull();
    expect(gail.runIds).toEqual([runIds[4], runIds[5]]);
  }, 180_000);

  // ---- pages of the app (runs, run detail, compare): logs, tags, ranges, deletion ----
  it("serves a run's log lines since N, a metric range, and tags with their runs", async () => {
    const { runs } = await b.api.listRuns({ limit: 1000 });
    const bc = runs.find((r) => r.kind === 'bc' && r.status === 'succeeded')!;
    expect(bc, 'the sweep above left a succeeded bc run').toBeDefined();
    const all = await b.api.getRunLog({ runId: bc.id });
    expect(all.total).toBeGreaterThan(0);
    expect(all.lines[0]).toMatchObject({ index: 0, level: 'info' });
    expect(all.lines[0].message).toMatch(/expert pairs/);
    const rest = await b.api.getRunLog({ runId: bc.id, since: all.total });
    expect(rest).toEqual({ lines: [], total: all.total });
    await expectError(b.api.getRunLog({ runId: 987654 }), 'not_found', 'runId');
    await expectError(b.api.getRunLog({ runId: bc.id, since: -1 }), 'invalid_input', 'since');

    const expert = runs.find((r) => r.kind === 'expert' && r.status === 'succeeded' && r.iteration >= 2)!;
    const [kl] = await b.api.getMetrics({ runId: expert.id, names: ['kl'], sinceStep: 2, untilStep: 2 });
    expect(kl.steps).toEqual([2]);
    const [wall] = await b.api.getMetrics({ runId: expert.id, names: ['wallTime'] });
    expect(wall.values.length).toBe(expert.iteration);
    expect(wall.values.every((v, i) => i === 0 || v! >= wall.values[i - 1]!)).toBe(true);

    expect(await b.api.setRunTags({ id: bc.id, add: ['paper', ' baseline '] })).toEqual({ tags: ['baseline', 'paper'] });
    expect(await b.api.setRunTags({ id: expert.id, add: ['paper'] })).toEqual({ tags: ['paper'] });
    expect(await b.api.setRunTags({ id: bc.id, remove: ['baseline'] })).toEqual({ tags: ['paper'] });
    expect(await b.api.listTags({})).toEqual([{ tag: 'paper', runIds: [bc.id, expert.id].sort((x, y) => x - y) }]);
    expect((await b.api.getRun({ id: bc.id })).tags).toEqual(['paper']);
    await expectError(b.api.setRunTags({ id: bc.id, add: ['a,b'] }), 'invalid_input', 'add[0]');
    await expectError(b.api.setRunTags({ id: 987654, add: ['x'] }), 'not_found', 'id');
  });

  it('cancels a running run gracefully, resumes it, retries it, and deletes it', async () => {
    const { id } = await b.api.queueRun({ config: tinyExpert(2_000_000) });
    await waitFor(async () => (await b.api.getRun({ id })).iteration >= 2, 60_000, 'two iterations');
    await b.api.cancelRun({ id });
    const cancelled = await finished(id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.checkpoints.length).toBeGreaterThan(0);
    const at = cancelled.iteration;
    await b.api.resumeRun({ id });
    await waitFor(async () => (await b.api.getRun({ id })).iteration > at, 60_000, 'progress after resume');
    await b.api.cancelRun({ id });
    await finished(id);
    const retry = await b.api.retryRun({ id });
    const second = await b.api.getRun({ id: retry.id });
    expect(second).toMatchObject({ attempt: 2, retryOf: id });
    await b.api.cancelRun({ id: retry.id });
    await finished(retry.id);
    const deleted: number[] = [];
    const off = b.subscribe('runDeleted', (e) => deleted.push(e.id));
    await b.api.deleteRun({ id });
    await expectError(b.api.getRun({ id }), 'not_found', 'id');
    await waitFor(() => deleted.includes(id), 10_000, 'the runDeleted event');
    off();
    expect((await b.api.getRun({ id: retry.id })).retryOf).toBeNull();
  }, 120_000);

  it('refuses bad input with an error naming the field', async () => {
    await expectError(b.api.getRun({ id: -1 }), 'invalid_input', 'id');
    await expectError(b.api.getRun({ id: 987654 }), 'not_found', 'id');
    await expectError(b.api.getRun({ id: 'x' } as unknown as { id: number }), 'invalid_input', 'id');
    await expectError(b.api.listRuns({ limit: 0 }), 'invalid_input', 'limit');
    await expectError(b.api.listRuns({ bogus: 1 } as unknown as { limit: number }), 'invalid_input');
    const e = await expectError(b.api.queueRun({ config: { kind: 'expert', env: 'Hopper-v4', totalSteps: 10 } }), 'invalid_config', 'env');
    expect(e.message).toContain('Hopper-v5');
    await expectError(b.api.getMetrics({ runId: 987654, names: ['kl'] }), 'not_found', 'runId');
    await expectError(b.api.getReplay({ trajectoryId: 987654 }), 'not_found', 'trajectoryId');
    await expectError(b.api.listTrajectories({} as { runId: number }), 'invalid_input');
    const big = { name: 'too big', envs: [env], expert: { totalSteps: 1000 }, trajectories: [1, 2, 3, 4], seeds: Array.from({ length: MAX_SWEEP_RUNS }, (_, i) => i) };
    const s = await expectError(b.api.queueSweep({ spec: big }), 'invalid_input', 'seeds');
    expect(s.message).toMatch(/at most 1000/);
    await expectError(b.api.queueSweep({ spec: { name: 'bad', envs: [env], expert: { totalSteps: 1000 }, trajectories: [1], seeds: [0], gail: { totalSteps: 3072, trpo: { maxKl: -2 } } } }), 'invalid_input', 'gail.trpo.maxKl');
    await expectError(b.api.queueSweep({ spec: { name: 'no steps', envs: [env], expert: { totalSteps: 1000 }, trajectories: [1], seeds: [0] } }), 'invalid_input', 'gail.totalSteps');
    expect((await b.api.listRuns({ limit: 1000 })).runs.every((r) => r.name !== 'too big')).toBe(true);
  });
});
