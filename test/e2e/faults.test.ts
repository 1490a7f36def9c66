/**
 * Faults: a run process killed with SIGKILL fails alone; a coordinator killed
 * with SIGKILL while two runs train leaves them interrupted, and the next
 * coordinator resumes them to the same final numbers as uninterrupted runs,
 * with no metric row lost or duplicated and an intact database.
 */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { processAlive } from '../../src/main/core/queue/coordinatorLock';
import { isTimingMetric } from '../../src/main/core/runs/runContext';
import { startCoordinator, type Coordinator } from '../../src/main/core/service';
import { Store } from '../../src/main/core/store/store';
import { readDb, rowsPerStep, withReadDb } from '../helpers/db';
import { waitFor } from '../helpers/coordinator';
import { tempDir } from '../helpers/runs';

const env = 'InvertedPendulum-v5';
const expert = (seed: number, totalSteps: number) => ({ kind: 'expert', env, seed, totalSteps, evalEvery: 5, checkpointEvery: 2, finalEvalEpisodes: 3 });

function curve(store: Store, runId: number): Record<string, [number, number | null][]> {
  const out: Record<string, [number, number | null][]> = {};
  for (const row of store.allMetrics(runId)) {
    if (isTimingMetric(row.name)) continue;
    (out[row.name] ??= []).push([row.step, row.value]);
  }
  return out;
}

function evaluations(dbPath: string, runId: number): unknown[] {
  return withReadDb(dbPath, (db) => db.prepare('SELECT iteration, final, mode, mean, std, returns FROM evaluations WHERE run_id = ? ORDER BY iteration, final, mode').all(runId));
}

/** `imlab work` as its own process: the coordinator we can kill. */
function startWorker(home: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli.ts', 'work', '--home', home], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, exited, stderr: () => stderr };
}

describe('faults', () => {
  const open: Coordinator[] = [];
  afterAll(async () => {
    for (const c of open) await c.close();
  });

  it('fails only the run whose process is killed with SIGKILL', async () => {
    const c = await startCoordinator({ appVersion: 'test', home: tempDir('kill-run'), concurrency: 2, stopGraceMs: 5000 });
    open.push(c);
    const victim = await c.api.queueRun({ config: expert(1, 2_000_000) });
    const survivor = await c.api.queueRun({ config: expert(2, 10_240) });
    const pid = await waitFor(() => {
      return c.store.getRun(victim.id)!.iteration >= 1 && c.store.runProcess(victim.id)?.pid;
    }, 60_000, 'the victim to train');
    process.kill(pid, 'SIGKILL');
    const failed = await waitFor(async () => {
      const r = await c.api.getRun({ id: victim.id });
      return r.status === 'failed' && r;
    }, 30_000, 'the victim to fail');
    expect(failed.error).toMatch(/killed \(SIGKILL\)/);
    const ok = await waitFor(async () => {
      const r = await c.api.getRun({ id: survivor.id });
      return ['succeeded', 'failed'].includes(r.status) && r;
    }, 90_000, 'the other run to finish');
    expect(ok.status).toBe('succeeded');
  }, 150_000);

  it('resumes runs interrupted by a coordinator crash to the numbers of uninterrupted runs', async () => {
    const configs = [expert(3, 30_720), expert(4, 30_720)];

    // Reference: the same runs, never interrupted.
    const ref = await startCoordinator({ appVersion: 'test', home: tempDir('reference'), concurrency: 2 });
    open.push(ref);
    const refIds = [];
    for (const config of configs) refIds.push((await ref.api.queueRun({ config })).id);
    await ref.queue.idle();

    // Queue the same runs in a fresh folder, then let a separate coordinator process train them.
    const home = tempDir('crash');
    const queuer = await startCoordinator({ appVersion: 'test', home, runQueue: false });
    const ids = [];
    for (const config of configs) ids.push((await queuer.api.queueRun({ config })).id);
    await queuer.close();

    const dbPath = `${home}/imlab.db`;
    const worker = startWorker(home);
    const reader = readDb(dbPath);
    const pids = await waitFor(() => {
      const rows = reader.prepare('SELECT id, pid, (SELECT count(*) FROM checkpoints k WHERE k.run_id = r.id) AS ck FROM runs r').all() as { pid: number | null; ck: number }[];
      return rows.every((r) => r.ck >= 2 && r.pid) && rows.map((r) => r.pid!);
    }, 90_000, 'both runs to checkpoint');
    worker.child.kill('SIGKILL');
    await worker.exited;
    // The orphaned run processes notice the lost coordinator, checkpoint and exit.
    await waitFor(() => pids.every((p) => !processAlive(p)), 30_000, 'the run processes to stop');
    const midway = reader.prepare('SELECT status, iteration FROM runs ORDER BY id').all() as { status: string; iteration: number }[];
    expect(midway.every((r) => r.status === 'running' && r.iteration < 30)).toBe(true);
    reader.close();

    const restart = startWorker(home);
    expect(await restart.exited, restart.stderr()).toBe(0);

    const store = new Store(dbPath, { readonly: true });
    try {
      for (const [i, id] of ids.entries()) {
        const run = store.getRunDetail(id)!;
        const refRun = ref.store.getRunDetail(refIds[i])!;
        expect(run.status).toBe('succeeded');
        expect(run.finalMean).toBe(refRun.finalMean);
        expect(curve(store, id)).toEqual(curve(ref.store, refIds[i]));
        expect(evaluations(dbPath, id)).toEqual(evaluations(ref.home.dbPath, refIds[i]));
        // Every iteration has every metric exactly once: none lost, none duplicated.
        const names = store.metricNames(id).length;
        expect(store.metricRowCount(id)).toBe(30 * names);
        const perStep = rowsPerStep(store, id);
        expect(perStep.map((r) => r.step)).toEqual(Array.from({ length: 30 }, (_, k) => k + 1));
      }
      expect(store.integrityCheck()).toBe('ok');
    } finally {
      store.close();
    }
  }, 240_000);
});
