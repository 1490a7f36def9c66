/**
 * The Slurm executor against a real Slurm (scripts/slurm-local.sh start gives
 * a single-node cluster): a sweep reaches the numbers of the local executor,
 * cancel ends the job, a job killed under the run resumes, a coordinator
 * killed while jobs run reattaches to them on restart with every metric row
 * stored exactly once, Slurm's time limit is reported, a job killed for
 * memory fails saying so, a run whose node fails or whose job is preempted
 * is submitted again on its own and finishes with every metric row stored
 * once, and bad settings are refused before anything is queued. Skipped
 * where there is no Slurm.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SlurmCli } from '../../src/main/core/queue/slurm/slurmCli';
import { isTimingMetric } from '../../src/main/core/runs/runContext';
import { startCoordinator, type Coordinator } from '../../src/main/core/service';
import { Store } from '../../src/main/core/store/store';
import { runCli } from '../helpers/cli';
import { readDb, rowsPerStep } from '../helpers/db';
import { waitFor } from '../helpers/coordinator';
import { tempDir } from '../helpers/runs';

function slurmUp(): boolean {
  try {
    return /idle|mixed|alloc/.test(execFileSync('sinfo', ['--noheader', '--format=%T'], { encoding: 'utf8', timeout: 10_000 }));
  } catch {
    return false;
  }
}

const up = slurmUp();
if (!up) console.warn('Slurm tests skipped: no working Slurm here (sbatch/sinfo missing or no idle node). Start one with `sudo scripts/slurm-local.sh start`.');

const env = 'InvertedPendulum-v5';
const expert = (seed: number, totalSteps: number) => ({ kind: 'expert', env, seed, totalSteps, evalEvery: 5, checkpointEvery: 2, finalEvalEpisodes: 3 });
/**
 * A run the tests disrupt mid-way: iterations of 8,192 steps (~0.6–1 s each), so
 * the job is still training seconds after the test sees iteration 3, even on a
 * fast machine (with 1,024-step iterations a CI machine finished before the
 * preemption landed).
 */
const DISRUPTED_ITERATIONS = 16;
const disrupted = (seed: number) => ({ ...expert(seed, DISRUPTED_ITERATIONS * 8192), trpo: { batchSteps: 8192 } });
const slurm = { kind: 'slurm', partition: 'debug', timeLimit: '10' } as const;
const fast = { pollMs: 250, maxPollMs: 1000, tailMs: 100 };

function curve(store: Store, runId: number): Record<string, [number, number | null][]> {
  const out: Record<string, [number, number | null][]> = {};
  for (const row of store.allMetrics(runId)) {
    if (isTimingMetric(row.name)) continue;
    (out[row.name] ??= []).push([row.step, row.value]);
  }
  return out;
}

/** Every metric stored once per iteration, 1…iterations, and the last job resumed from a checkpoint. */
function expectEveryRowOnce(store: Store, runId: number, iterations: number, dir: string): void {
  const names = store.metricNames(runId).length;
  expect(rowsPerStep(store, runId)).toEqual(Array.from({ length: iterations }, (_, k) => ({ step: k + 1, n: names })));
  expect(resumedFrom(dir)).toBeGreaterThan(0);
}

/** Where the run's last start began (the newest job's events file; a job Slurm requeued in place holds two starts). */
function resumedFrom(dir: string): number | null {
  const events = readdirSync(join(dir, 'slurm')).filter((f) => f.endsWith('.events.jsonl')).sort();
  const lines = readFileSync(join(dir, 'slurm', events.at(-1)!), 'utf8').split('\n').filter(Boolean);
  const starts = lines.map((l) => JSON.parse(l) as { type: string; event?: { type: string; resumedFrom: number | null } }).filter((l) => l.event?.type === 'started');
  expect(starts.length).toBeGreaterThan(0);
  return starts.at(-1)!.event!.resumedFrom;
}

function squeueState(jobId: string): string | null {
  const line = execFileSync('squeue', ['--noheader', '--states=all', `--jobs=${jobId}`, '--format=%T'], { encoding: 'utf8' }).trim();
  return line || null;
}

describe.skipIf(!up)('Slurm executor (real Slurm)', () => {
  const open: Coordinator[] = [];
  afterAll(async () => {
    // Closing a coordinator leaves its Slurm jobs running (the next one reattaches); a test's jobs end with it.
    for (const c of open) {
      for (const r of c.store.listRuns({ limit: 1000 })) if (r.placement?.jobId) execFileSync('scancel', [r.placement.jobId]);
      await c.close();
    }
  });
  const coordinator = async (home: string, concurrency = 2) => {
    const c = await startCoordinator({ appVersion: 'test', home, concurrency, stopGraceMs: 10_000, slurm: fast });
    open.push(c);
    return c;
  };

  it('refuses bad settings with errors naming them, queueing nothing', async () => {
    const c = await coordinator(tempDir('slurm-bad'));
    const spec = JSON.parse(readFileSync('resources/presets/sweeps/InvertedPendulum-quick.json', 'utf8')) as unknown;
    await expect(c.api.queueSweep({ spec, executor: { ...slurm, partition: 'nosuchpartition' } })).rejects.toThrow(/executor\.partition: .*invalid partition/i);
    await expect(c.api.queueSweep({ spec, executor: { ...slurm, timeLimit: 'soon' } })).rejects.toThrow(/executor\.timeLimit: expected a Slurm time limit/);
    await expect(c.api.queueSweep({ spec, executor: { ...slurm, extraArgs: ['--output=/tmp/x'] } })).rejects.toThrow(/executor\.extraArgs\[0\]: this sbatch option is set by Imitation Lab/);
    await expect(c.api.configureQueue({ executor: { kind: 'cluster' } })).rejects.toThrow(/executor\.kind/);
    expect(await c.api.listRuns({})).toEqual({ runs: [], total: 0 });
    expect(await c.api.listSweeps({})).toEqual([]);
    expect((await c.api.getQueue({})).executor).toEqual({ kind: 'local' });

    const noSlurm = await startCoordinator({ appVersion: 'test', home: tempDir('slurm-missing'), slurm: { cli: new SlurmCli({ binDir: mkdtempSync(join(tmpdir(), 'imlab-nobin-')) }) } });
    open.push(noSlurm);
    await expect(noSlurm.api.queueRun({ config: expert(1, 2048), executor: slurm })).rejects.toThrow(/executor\.kind: "slurm" needs Slurm's sbatch, which was not found/);
    expect((await noSlurm.api.listRuns({})).total).toBe(0);
  }, 60_000);

  // A folder only this side sees: a tmpfs mounted in a mount namespace of its own (needs root), as a login node's local disk would be.
  it.skipIf(process.getuid?.() !== 0)('refuses a data folder the nodes cannot see, queueing nothing', () => {
    const hidden = tempDir('slurm-hidden');
    const cli = [process.execPath, '--import', 'tsx', 'src/main/cli.ts'];
    const script = 'mount -t tmpfs imlab-hidden "$0" && "$@" queue --sweep InvertedPendulum-quick --home "$0" --executor "$EXECUTOR"; echo "exit $?"; "$@" list --home "$0" --json';
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, hidden, ...cli], {
      encoding: 'utf8',
      env: { ...process.env, EXECUTOR: JSON.stringify(slurm) },
      timeout: 120_000,
    });
    expect(r.stderr).toMatch(new RegExp(`executor: the data folder ${hidden} is not visible on the Slurm nodes: a probe job on partition debug could not read`));
    expect(r.stdout).toMatch(/exit 2\n\[\]/);
  }, 150_000);

  it('runs the quick InvertedPendulum sweep on Slurm to the numbers of the local executor', async () => {
    const spec = JSON.parse(readFileSync('resources/presets/sweeps/InvertedPendulum-quick.json', 'utf8')) as unknown;
    const local = await coordinator(tempDir('slurm-ref'));
    const onSlurm = await coordinator(tempDir('slurm-sweep'));
    // The default executor of the queue settings: runs queued without a setting go to Slurm.
    expect((await onSlurm.api.configureQueue({ executor: slurm })).executor).toMatchObject(slurm);
    const states = new Set<string>();
    onSlurm.subscribe('runChanged', (r) => r.placement?.state && states.add(r.placement.state));
    const a = await local.api.queueSweep({ spec });
    const b = await onSlurm.api.queueSweep({ spec });
    await Promise.all([local.queue.idle(), onSlurm.queue.idle()]);
    const ref = (await local.api.listRuns({ sweepId: a.sweepId })).runs;
    const got = (await onSlurm.api.listRuns({ sweepId: b.sweepId })).runs;
    expect(got.map((r) => r.status)).toEqual(Array(6).fill('succeeded'));
    expect(got.map((r) => [r.name, r.finalMean, r.finalStd])).toEqual(ref.map((r) => [r.name, r.finalMean, r.finalStd]));
    for (const [i, run] of got.entries()) {
      expect(run.placement).toMatchObject({ kind: 'slurm', state: 'COMPLETED', node: hostname() });
      expect(run.placement!.jobId).toMatch(/^\d+$/);
      expect(ref[i].placement).toEqual({ kind: 'local' });
      expect(curve(onSlurm.store, run.id)).toEqual(curve(local.store, ref[i].id));
    }
    expect([...states]).toEqual(expect.arrayContaining(['PENDING', 'RUNNING', 'COMPLETED']));
  }, 600_000);

  it('cancels a job through the API, and a job killed under its run fails with a message and resumes', async () => {
    const c = await coordinator(tempDir('slurm-cancel'));
    const cancelled = await c.api.queueRun({ config: expert(5, 2_000_000), executor: slurm });
    const victim = await c.api.queueRun({ config: disrupted(6), executor: slurm });
    const running = (id: number) => waitFor(async () => {
      const r = await c.api.getRun({ id });
      return r.placement?.state === 'RUNNING' && r.iteration >= 2 && r;
    }, 120_000, `run ${id} to train on Slurm`);
    const [a, b] = await Promise.all([running(cancelled.id), running(victim.id)]);

    await c.api.cancelRun({ id: cancelled.id });
    const done = await waitFor(async () => {
      const r = await c.api.getRun({ id: cancelled.id });
      return r.status === 'cancelled' && r;
    }, 120_000, 'the cancelled run');
    expect(done.placement!.jobId).toBe(a.placement!.jobId);
    await waitFor(() => !['PENDING', 'RUNNING', 'COMPLETING'].includes(squeueState(a.placement!.jobId!) ?? ''), 30_000, 'the job to end');

    execFileSync('scancel', ['--signal=KILL', b.placement!.jobId!]);
    const killed = await waitFor(async () => {
      const r = await c.api.getRun({ id: victim.id });
      return ['failed', 'interrupted'].includes(r.status) && r;
    }, 120_000, 'the killed run to stop');
    expect(killed.error).toMatch(new RegExp(`Slurm job ${b.placement!.jobId} on node .* was cancelled or killed outside Imitation Lab \\(scancel\\); resume continues`));
    await c.api.resumeRun({ id: victim.id });
    const resumed = await waitFor(async () => {
      const r = await c.api.getRun({ id: victim.id });
      return ['succeeded', 'failed'].includes(r.status) && r;
    }, 120_000, 'the resumed run');
    expect(resumed.status).toBe('succeeded');
    expect(resumed.placement!.jobId).not.toBe(b.placement!.jobId);
    // Resumed from a checkpoint, not from scratch: iterations before it were not run again.
    expectEveryRowOnce(c.store, victim.id, DISRUPTED_ITERATIONS, resumed.dir);
  }, 300_000);

  it('reattaches to its jobs after the coordinator is killed, storing every metric row once', async () => {
    const home = tempDir('slurm-crash');
    const queuer = await startCoordinator({ appVersion: 'test', home, runQueue: false });
    await queuer.api.configureQueue({ executor: slurm });
    // Long enough that the jobs are still training when the coordinator dies, on a fast machine too.
    const iterations = 60;
    const ids = [(await queuer.api.queueRun({ config: expert(7, iterations * 1024) })).id, (await queuer.api.queueRun({ config: expert(8, iterations * 1024) })).id];
    await queuer.close();

    const dbPath = join(home, 'imlab.db');
    const worker = startWorker(home);
    const reader = readDb(dbPath);
    await waitFor(() => {
      const rows = reader.prepare('SELECT iteration, placement FROM runs').all() as { iteration: number; placement: string | null }[];
      return rows.every((r) => r.iteration >= 2 && r.placement?.includes('RUNNING'));
    }, 120_000, 'both jobs to train');
    worker.child.kill('SIGKILL');
    await worker.exited;
    const jobIds = (reader.prepare('SELECT placement FROM runs ORDER BY id').all() as { placement: string }[]).map((r) => (JSON.parse(r.placement) as { jobId: string }).jobId);
    expect(jobIds.map(squeueState)).toEqual(['RUNNING', 'RUNNING']);
    const midway = (reader.prepare('SELECT max(iteration) AS i FROM runs').get() as { i: number }).i;
    const eventFiles = (reader.prepare('SELECT placement FROM runs ORDER BY id').all() as { placement: string }[]).map((r) => (JSON.parse(r.placement) as { attach: { events: string } }).attach.events);
    reader.close();
    // The jobs go on without a coordinator: let them write more before it comes back (Slurm may even finish them).
    const written = () => eventFiles.map((f) => readFileSync(f, 'utf8').length);
    const before = written();
    await waitFor(() => written().every((n, i) => n > before[i]), 60_000, 'the jobs to write progress while the coordinator is down');

    const restart = startWorker(home);
    expect(await restart.exited, restart.stderr()).toBe(0);
    const store = new Store(dbPath, { readonly: true });
    try {
      expect(midway).toBeLessThan(iterations);
      for (const [i, id] of ids.entries()) {
        const run = store.getRunDetail(id)!;
        expect(run.status).toBe('succeeded');
        // The same job throughout: reattached, not resubmitted.
        expect(run.placement).toMatchObject({ kind: 'slurm', jobId: jobIds[i], state: 'COMPLETED' });
        const names = store.metricNames(id).length;
        expect(store.metricRowCount(id)).toBe(iterations * names);
        const perStep = rowsPerStep(store, id);
        expect(perStep).toEqual(Array.from({ length: iterations }, (_, k) => ({ step: k + 1, n: names })));
        expect(store.getRunDetail(id)!.evaluations.filter((e) => e.final)).toHaveLength(1);
      }
      expect(store.integrityCheck()).toBe('ok');
      // The command line says where each run ran.
      const listed = runCli(['list', '--home', home]);
      expect(listed.status, listed.stderr).toBe(0);
      for (const jobId of jobIds) expect(listed.stdout).toContain(`Slurm job ${jobId}: COMPLETED`);
    } finally {
      store.close();
    }
  }, 300_000);

  it("shows Slurm's reason when a run hits its time limit", async () => {
    const c = await coordinator(tempDir('slurm-limit'));
    const { id } = await c.api.queueRun({ config: expert(9, 5_000_000), executor: { ...slurm, timeLimit: '0:30' } });
    const stopped = await waitFor(async () => {
      const r = await c.api.getRun({ id });
      return !['queued', 'running'].includes(r.status) && r;
    }, 180_000, 'Slurm to stop the run at its time limit');
    expect(stopped.status).toBe('interrupted');
    expect(stopped.error).toMatch(/Slurm stopped job \d+ on node .* at its time limit \(timeLimit 0:30\); resume continues from the last checkpoint/);
    expect(stopped.placement).toMatchObject({ state: 'TIMEOUT' });
  }, 240_000);

  it('fails a run Slurm killed for memory, saying so and naming the setting', async () => {
    const c = await coordinator(tempDir('slurm-oom'));
    const { id } = await c.api.queueRun({ config: expert(10, 12_288), executor: { ...slurm, memory: '50M' } });
    const r = await waitFor(async () => {
      const r = await c.api.getRun({ id });
      return !['queued', 'running'].includes(r.status) && r;
    }, 60_000, 'Slurm to kill the run for memory');
    expect(r.status).toBe('failed');
    expect(r.error).toMatch(/^Slurm killed job \d+ on node \S+: out of memory \(the run needed more than memory 50M; raise executor\.memory\); its output ends:\n[^]*exceeded memory limit/);
  }, 90_000);

  /** A run that Slurm stops once `disrupt` runs (after a checkpoint), then resubmitted on its own: it must succeed in a new job with every row once. */
  const resubmitted = async (name: string, seed: number, disrupt: (jobId: string) => void, restore: () => void = () => undefined) => {
    const c = await coordinator(tempDir(name));
    const { id } = await c.api.queueRun({ config: disrupted(seed), executor: slurm });
    const first = await waitFor(async () => {
      const r = await c.api.getRun({ id });
      return r.placement?.state === 'RUNNING' && r.iteration >= 3 && r;
    }, 120_000, 'the run to train on Slurm');
    const jobId = first.placement!.jobId!;
    try {
      disrupt(jobId);
      await waitFor(async () => {
        const r = await c.api.getRun({ id });
        if (r.status === 'succeeded') throw new Error(`run ${id} finished in job ${jobId} before the disruption landed; lengthen DISRUPTED_ITERATIONS`);
        return r.placement?.jobId !== jobId;
      }, 60_000, 'the run to be submitted again');
    } finally {
      restore();
    }
    const done = await waitFor(async () => {
      const r = await c.api.getRun({ id });
      return !['queued', 'running'].includes(r.status) && r;
    }, 120_000, 'the resubmitted run to finish');
    expect(done.status, done.error ?? '').toBe('succeeded');
    expectEveryRowOnce(c.store, id, DISRUPTED_ITERATIONS, done.dir);
    const log = (await c.api.getRunLog({ runId: id })).lines.map((l) => l.message);
    expect(log.some((m) => m.includes(`submitting the run again (automatic resubmission 1 of 2 after`))).toBe(true);
    return { jobId, placement: done.placement! };
  };

  it('submits a run again when its node fails, and it finishes from its checkpoint', async () => {
    const node = hostname();
    const { jobId, placement } = await resubmitted(
      'slurm-nodefail',
      11,
      () => execFileSync('scontrol', ['update', `nodename=${node}`, 'state=down', 'reason=imlab-test']),
      // The node may already be back (ReturnToService); a resume of an idle node is refused, which is fine.
      () => spawnSync('scontrol', ['update', `nodename=${node}`, 'state=resume']),
    );
    expect(placement).toMatchObject({ state: 'COMPLETED', resubmitted: [{ jobId, state: 'NODE_FAIL', reason: `Slurm lost job ${jobId}: its node ${node} failed or was taken down (NodeDown)` }] });
  }, 240_000);

  it('continues a --requeue job that Slurm requeues in place (scontrol requeue) from its checkpoint, in the same job', async () => {
    const c = await coordinator(tempDir('slurm-requeue'));
    const { id } = await c.api.queueRun({ config: disrupted(13), executor: { ...slurm, extraArgs: ['--requeue'] } });
    const first = await waitFor(async () => {
      const r = await c.api.getRun({ id });
      return r.placement?.state === 'RUNNING' && r.iteration >= 3 && r;
    }, 120_000, 'the run to train on Slurm');
    const jobId = first.placement!.jobId!;
    execFileSync('scontrol', ['requeue', jobId]);
    const requeuedAt = Date.now();
    await waitFor(() => squeueState(jobId) === 'PENDING', 30_000, 'the job to be requeued');
    // A requeued job waits two minutes (BeginTime) before it may start again; the test does not, but it waits for the
    // earlier start to write its exit record, and past the second of the requeue: the node revokes the job's
    // credential at the requeue (one-second resolution) and kills a start launched within it.
    const slurmDir = join(first.dir, 'slurm');
    const events = join(slurmDir, readdirSync(slurmDir).find((f) => f.endsWith('.events.jsonl'))!);
    await waitFor(() => readFileSync(events, 'utf8').includes('"type":"exit"'), 60_000, "the earlier start's exit record");
    await new Promise((r) => setTimeout(r, Math.max(0, requeuedAt + 2000 - Date.now())));
    execFileSync('scontrol', ['update', `jobid=${jobId}`, 'StartTime=now']);
    const done = await waitFor(async () => {
      const r = await c.api.getRun({ id });
      return !['queued', 'running'].includes(r.status) && r;
    }, 120_000, 'the requeued run to finish');
    expect(done.status, done.error ?? '').toBe('succeeded');
    expect(done.placement).toMatchObject({ jobId, state: 'COMPLETED' });
    expect(done.placement!.resubmitted).toBeUndefined();
    expectEveryRowOnce(c.store, id, DISRUPTED_ITERATIONS, done.dir);
    const log = (await c.api.getRunLog({ runId: id })).lines.map((l) => l.message);
    expect(log).toContainEqual(expect.stringMatching(new RegExp(`^Slurm started job ${jobId} again \\(restart 1\\); continuing from the newest checkpoint up to iteration \\d+`)));
  }, 240_000);

  it('submits a run again when Slurm preempts its job, and it finishes from its checkpoint', async () => {
    // The whole node for a job of the higher-priority partition (slurm-local.sh: urgent preempts debug).
    const { jobId, placement } = await resubmitted('slurm-preempt', 12, () =>
      execFileSync('sbatch', ['--partition=urgent', '--exclusive', '--time=1', '--output=/dev/null', '--wrap=sleep 2']),
    );
    expect(placement).toMatchObject({ state: 'COMPLETED', resubmitted: [{ jobId, state: 'PREEMPTED', reason: `Slurm preempted job ${jobId} on node ${hostname()}: a job of higher priority needed its resources` }] });
  }, 240_000);
});

/** `imlab work` as its own process: the coordinator we can kill. */
function startWorker(home: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'work', '--home', home], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, stderr: () => stderr };
}
