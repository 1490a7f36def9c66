/**
 * The GAIL health warning end to end through the coordinator: a run process
 * (faked here) reports the collapse signature in its metrics, and the run row
 * the API lists carries the warning — stored in the runs table, so listing
 * runs reads no metrics. A healthy run's row has none.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RunExecutor, RunHandle } from '../../src/main/core/queue/executor';
import type { StartMessage } from '../../src/main/core/runs/processProtocol';
import { startCoordinator, type Coordinator } from '../../src/main/core/service';
import type { RunRow } from '../../src/shared/runs';
import { tempDir } from '../helpers/runs';

const STEPS = 3072;

/** Plays a GAIL run's metrics, collapsed, stalled or healthy by the run's seed (odd = collapsed, 4 = stalled), then succeeds. */
function fakeExecutor(): RunExecutor {
  let pid = 1000;
  return {
    start(message: StartMessage, cb): RunHandle {
      const seed = (message.config as { seed: number }).seed;
      setImmediate(() => {
        cb.onMessage({ type: 'event', event: { type: 'started', kind: 'gail', env: 'Hopper-v5', backend: 'js', resumedFrom: null } });
        const iterations = seed === 4 ? 320 : 80;
        for (let it = 1; it <= iterations; it++) {
          const collapsed = seed % 2 === 1 && it > 20;
          const stalled = seed === 4;
          const values: Record<string, number> = collapsed
            ? { discriminatorAccuracyPolicy: 1, gailReward: 0.02, episodeReturn: 690 }
            : stalled
              ? { discriminatorAccuracyPolicy: 0.93, gailReward: 0.2, episodeReturn: 200, demonstrationReturn: 3100 }
              : { discriminatorAccuracyPolicy: 0.65, gailReward: 0.45, episodeReturn: 300 + 30 * it, demonstrationReturn: 3100 };
          cb.onMessage({ type: 'event', event: { type: 'metrics', iteration: it, envSteps: it * STEPS, values } });
        }
        const summary = { done: true, kind: 'gail', env: 'Hopper-v5', finalEval: { mean: 1, std: 0, episodes: 1 }, envSteps: iterations * STEPS, envStepsPerSec: 1, backend: 'js', wallSeconds: 1, artifacts: {}, details: {} };
        cb.onMessage({ type: 'event', event: { type: 'done', summary } as never });
        cb.onExit(0, null);
      });
      return { pid: pid++, stop() {}, kill() {} };
    },
  };
}

let coordinator: Coordinator | undefined;
afterEach(async () => {
  await coordinator?.close();
  coordinator = undefined;
});

describe('GAIL health on run rows', () => {
  it('a collapsed run lists with the discriminator-won warning, a healthy one without', async () => {
    coordinator = await startCoordinator({ appVersion: 'test', home: tempDir('health'), concurrency: 1, executor: fakeExecutor() });
    const { api, store } = coordinator;
    // The fake executor never reads it, but a queued run's dataset must exist.
    const dataset = store.insertDataset({ env: 'Hopper-v5', obsDim: 11, actDim: 3, nq: 6, nv: 6, source: {}, trajectories: [] }, 'stand-in', null);
    const base = { kind: 'gail', env: 'Hopper-v5', dataset: `dataset:${dataset}`, trajectories: 4, totalSteps: 80 * STEPS };
    const healthy = (await api.queueRun({ config: { ...base, seed: 2 } })).id;
    const collapsed = (await api.queueRun({ config: { ...base, seed: 3 } })).id;
    let runs: RunRow[] = [];
    for (let i = 0; i < 200; i++) {
      runs = (await api.listRuns({})).runs;
      if (runs.every((r) => r.status === 'succeeded')) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const byId = new Map(runs.map((r) => [r.id, r]));
    expect(byId.get(collapsed)!.status).toBe('succeeded');
    expect(byId.get(collapsed)!.health).toMatchObject({ code: 'discriminator-won', sinceEnvSteps: 21 * STEPS });
    expect(byId.get(collapsed)!.health!.message).toMatch(/discriminator won since 65k env steps/);
    expect(byId.get(healthy)!.health ?? null).toBeNull();
    expect((await api.getRun({ id: collapsed })).health?.code).toBe('discriminator-won');
  });

  it('a run stuck far below its demonstrations lists with the stalled warning', async () => {
    coordinator = await startCoordinator({ appVersion: 'test', home: tempDir('health-stalled'), concurrency: 1, executor: fakeExecutor() });
    const { api, store } = coordinator;
    const dataset = store.insertDataset({ env: 'Hopper-v5', obsDim: 11, actDim: 3, nq: 6, nv: 6, source: {}, trajectories: [] }, 'stand-in', null);
    const id = (await api.queueRun({ config: { kind: 'gail', env: 'Hopper-v5', dataset: `dataset:${dataset}`, trajectories: 4, totalSteps: 320 * STEPS, seed: 4 } })).id;
    let run = await api.getRun({ id });
    for (let i = 0; i < 200 && run.status !== 'succeeded'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      run = await api.getRun({ id });
    }
    expect(run.status).toBe('succeeded');
    expect(run.health).toMatchObject({ code: 'stalled', sinceEnvSteps: STEPS });
    expect(run.health!.message).toMatch(/below 25% of the demonstrations' \(3,100\) since 3k env steps, averaging 200/);
  });
});
