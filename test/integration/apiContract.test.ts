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
  let expertId = 0;

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
    expect(run).toMatchObject({ status: 'succeeded', name: 'contract expert', kind: 'expert', iteration: 2, envSteps: 2048, backend: 'wasm-kernels' });
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
    expertId = id;
  }, 120_000);

  it('records a fresh episode from a run\'s final policy and from a checkpoint, as a replayable trajectory', async () => {
    expect(expertId, 'needs the expert of the previous case').toBeGreaterThan(0);
    const final = await b.api.recordEpisode({ runId: expertId, mode: 'deterministic', seed: 3 });
    const [row] = await b.api.listTrajectories({ runId: final.runId });
    expect(row).toMatchObject({ id: final.trajectoryId, label: 'deterministic', hasStates: true });
    const recorder = await b.api.getRun({ id: final.runId });
    expect(recorder).toMatchObject({ kind: 'eval', status: 'succeeded', env });
    const replay = await b.api.getReplay({ trajectoryId: final.trajectoryId });
    expect(replay).toMatchObject({ frames: row.length + 1, return: row.return, label: 'deterministic', source: { runId: final.runId, datasetId: null, name: recorder.name } });
    expect(replay.end.kind).toBe(row.terminated ? 'terminated' : row.length >= 1000 ? 'truncated' : 'ended');
    if (row.terminated) expect(replay.end.condition).toMatch(/pole angle/);
    // Same seed and mode, same episode: recording is seeded.
    const again = await b.api.recordEpisode({ runId: expertId, mode: 'deterministic', seed: 3 });
    expect((await b.api.getReplay({ trajectoryId: again.trajectoryId })).positions).toBe(replay.positions);
    const { checkpoints } = await b.api.getRun({ id: expertId });
    const ckpt = await b.api.recordEpisode({ runId: expertId, checkpoint: checkpoints.at(-1)!.iteration, mode: 'stochastic', seed: 1 });
    expect((await b.api.listTrajectories({ runId: ckpt.runId }))[0]).toMatchObject({ id: ckpt.trajectoryId, label: 'stochastic' });

    await expectError(b.api.recordEpisode({ runId: 987654 }), 'not_found', 'runId');
    await expectError(b.api.recordEpisode({ runId: final.runId }), 'invalid_input', 'runId');
    await expectError(b.api.recordEpisode({ runId: expertId, checkpoint: 99_999 }), 'not_found', 'checkpoint');
    await expectError(b.api.recordEpisode({ runId: expertId, mode: 'greedy' } as unknown as { runId: number }), 'invalid_input', 'mode');
    await expectError(b.api.recordEpisode({ runId: expertId, seed: -1 }), 'invalid_input', 'seed');
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
    expect(replay.source).toEqual({ datasetId: dataset.id, runId: null, name: dataset.name });
    expect(trajectories.every((t) => t.hasStates)).toBe(true);
    const table = await b.api.resultsTable({ sweepId });
    const methods = table.rows.map((r) => `${r.method}:${r.trajectories ?? ''}:${r.seeds}`);
    // The expert row counts the expert data's trajectories (2 sampled episodes).
    expect(methods).toEqual(expect.arrayContaining(['expert::2', 'random::1', 'bc:1:2', 'gail:1:2']));
    expect(table.rows.filter((r) => r.variant !== undefined)).toEqual([]);
    const gail = table.rows.find((r) => r.method === 'gail')!;
    expect(gail.normalized).not.toBeNull();
    expect(gail.runIds).toEqual([runIds[4], runIds[5]]);
  }, 180_000);

  // Experiment builder: generated forms and a dry run of a sweep.
  it('serves the config schemas of every run kind and of sweeps, with descriptions and defaults', async () => {
    const schemas = await b.api.getConfigSchemas({});
    expect(Object.keys(schemas.runs).sort()).toEqual(['bc', 'eval', 'expert', 'gail', 'sample']);
    const gail = schemas.runs.gail.properties!;
    expect(gail.totalSteps).toMatchObject({ type: 'integer', minimum: 1 });
    expect(gail.trpo.properties!.maxKl).toMatchObject({ type: 'number', default: 0.01, description: 'KL radius of each policy step.' });
    expect(schemas.runs.gail.required).toEqual(expect.arrayContaining(['kind', 'env', 'totalSteps', 'dataset', 'trajectories']));
    expect(schemas.runs.gail.required).not.toContain('seed');
    expect(schemas.sweep.properties!.methods).toMatchObject({ default: ['bc', 'gail'], items: { enum: ['bc', 'gail'] } });
    expect(schemas.sweep.properties!.sample.properties!.episodes).toMatchObject({ default: 25 });
    expect(schemas.sweepSections.map((s) => s.section)).toEqual(['expert', 'bc', 'gail']);
    await expectError(b.api.getConfigSchemas({ x: 1 } as unknown as Record<string, never>), 'invalid_input');
  });

  it('lists the sweep presets with their specs, each a valid sweep', async () => {
    const presets = await b.api.listSweepPresets({});
    expect(presets.map((p) => p.file)).toEqual(['Hopper-gail-paper.json', 'Humanoid-seed-blog.json', 'InvertedPendulum-quick.json']);
    const hopper = await b.api.previewSweep({ spec: presets[0].spec });
    expect(hopper.runs).toHaveLength(2 + 2 * 4 * 5);
    expect(hopper.name).toBe(presets[0].name);
  });

  it('previews a sweep without queueing it: runs, dependencies, env steps, and time at the measured rates', async () => {
    const before = (await b.api.listRuns({})).total;
    const spec = {
      name: 'preview',
      envs: [env, 'Hopper-v5'],
      expert: { totalSteps: 2048 },
      sample: { episodes: 2 },
      methods: ['bc', 'gail'],
      trajectories: [1, 2],
      seeds: [0, 1],
      bc: { iterations: 30 },
      gail: { totalSteps: 3072 },
    };
    const p = await b.api.previewSweep({ spec });
    expect(p.runs).toHaveLength(2 * (2 + 2 * 2 * 2));
    expect(p.runs[1]).toMatchObject({ kind: 'sample', env, dependsOn: [0], envSteps: 2 * 1000 });
    expect(p.runs[2]).toMatchObject({ kind: 'bc', trajectories: 1, seed: 0, dependsOn: [1], envSteps: 0 });
    expect(p.runs[10]).toMatchObject({ kind: 'expert', env: 'Hopper-v5', dependsOn: [] });
    expect(p.envSteps).toBe(2 * (2048 + 2000 + 4 * 3072));
    const queue = await b.api.getQueue({});
    expect(p.concurrency).toBe(queue.concurrency);
    // Rates come from this machine's succeeded runs of the same env and kind (the tests above finished some).
    const succeeded = (await b.api.listRuns({ status: ['succeeded'], limit: 1000 })).runs.filter((r) => r.env === env);
    const measured = p.rates.filter((r) => r.source === 'measured');
    const kindsRun = [...new Set(succeeded.map((r) => r.kind))].filter((k) => k !== 'eval').sort();
    expect(kindsRun).toContain('expert');
    expect(measured.map((r) => r.kind).sort()).toEqual(kindsRun);
    // Rates are per method: the preview's expert is TRPO, so TRPO experts' rate alone.
    const experts = succeeded.filter((r) => r.kind === 'expert' && r.method === 'trpo');
    const expertRate = experts.reduce((a, r) => a + r.envSteps, 0) / experts.reduce((a, r) => a + (r.finishedAt! - r.startedAt!) / 1000, 0);
    expect(measured.find((r) => r.kind === 'expert')).toMatchObject({ env, method: 'trpo', unit: 'env steps', runs: experts.length });
    expect(measured.find((r) => r.kind === 'expert')!.perSecond).toBeCloseTo(expertRate, 6);
    expect(p.runs[0].seconds).toBeCloseTo(2048 / expertRate, 6);
    // No Hopper run yet: expert and GAIL fall back to the README's measured throughput; BC has no estimate.
    expect(p.rates.find((r) => r.env === 'Hopper-v5' && r.kind === 'gail')).toMatchObject({ source: 'reference', perSecond: 14_068 * 0.6 });
    expect(p.runs.filter((r) => r.env === 'Hopper-v5' && r.kind === 'bc').every((r) => r.seconds === null)).toBe(true);
    expect(p.unestimated).toBe(4 + (kindsRun.includes('bc') ? 0 : 4));
    const serial = p.runs.reduce((a, r) => a + (r.seconds ?? 0), 0);
    expect(p.serialSeconds).toBeCloseTo(serial, 6);
    expect(p.wallSeconds).toBeLessThanOrEqual(p.serialSeconds + 1e-9);
    expect(p.wallSeconds).toBeGreaterThanOrEqual(serial / p.concurrency - 1e-9);
    expect((await b.api.listRuns({})).total).toBe(before);
    // Invalid specs fail as queueSweep fails, naming the field.
    await expectError(b.api.previewSweep({ spec: { ...spec, gail: { totalSteps: 3072, trpo: { maxKl: -2 } } } }), 'invalid_input', 'gail.trpo.maxKl');
    await expectError(b.api.previewSweep({ spec: { ...spec, seeds: [] } }), 'invalid_input', 'seeds');
    await expectError(b.api.previewSweep({ spec: { ...spec, gail: {} } }), 'invalid_input', 'gail.totalSteps');
  });

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
