/**
 * Makes a data folder for the README's side-by-side replay: a Hopper expert's
 * demonstrations (a dataset file and the expert's policy file, e.g. exported
 * from a sweep), a BC run and a short GAIL run on them, and one fresh
 * deterministic episode of each policy (recordEpisode).
 *
 *   tsx bench/replayDemo.ts --home DIR --dataset dataset.json --policy policy.json [--gail-steps N] [--json]
 */
import { parseArgs } from 'node:util';
import { loadDataset } from '../src/main/core/runs/storage';
import { startCoordinator } from '../src/main/core/service';

const { values } = parseArgs({
  options: {
    home: { type: 'string' },
    dataset: { type: 'string' },
    policy: { type: 'string' },
    'gail-steps': { type: 'string', default: '150000' },
    json: { type: 'boolean', default: false },
  },
});
if (!values.home || !values.dataset || !values.policy) throw new Error('give --home, --dataset and --policy');

const c = await startCoordinator({ appVersion: 'bench', home: values.home, concurrency: 2 });
const log = (s: string) => values.json || console.log(s);
try {
  const data = loadDataset(values.dataset);
  const datasetId = c.store.insertDataset(data, `expert ${data.env} demonstrations`, null);
  const env = data.env;
  const expert = await c.api.queueRun({ config: { kind: 'eval', env, policy: values.policy, episodes: 1, mode: 'deterministic' }, name: `expert ${env}` });
  const bc = await c.api.queueRun({ config: { kind: 'bc', env, dataset: values.dataset, trajectories: 10, finalEvalEpisodes: 5, evalEvery: 0 }, name: `BC ${env} k=10` });
  const gail = await c.api.queueRun({
    config: { kind: 'gail', env, dataset: values.dataset, trajectories: 10, totalSteps: Number(values['gail-steps']), evalEvery: 0, finalEvalEpisodes: 5 },
    name: `GAIL ${env} k=10 (${Number(values['gail-steps']).toLocaleString('en-US')} steps)`,
  });
  await c.queue.idle();
  const ids: Record<string, number> = {};
  for (const [name, id] of [['bc', bc.id], ['gail', gail.id]] as const) {
    const run = await c.api.getRun({ id });
    log(`${name}: run ${id} ${run.status}, final return ${run.finalMean?.toFixed(1)}`);
    ids[name] = (await c.api.recordEpisode({ runId: id, mode: 'deterministic', seed: 0 })).trajectoryId;
  }
  ids.expert = (await c.api.listTrajectories({ runId: expert.id }))[0].id;
  ids.demo = (await c.api.listTrajectories({ datasetId }))[0].id;
  const out = { datasetId, trajectories: ids, sideBySide: `#/replay?traj=${[ids.expert, ids.gail, ids.bc].join(',')}` };
  console.log(values.json ? JSON.stringify(out) : out);
} finally {
  await c.close();
}
