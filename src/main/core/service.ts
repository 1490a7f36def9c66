/**
 * The application behind the API contract: one coordinator per data folder
 * owning the run database and the queue. Shells (Electron, web, CLI) adapt it
 * to their transport and validate requests against the contract's schemas
 * with parseRequest(); this file never imports electron.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { apiRequestSchemas, type Api, type ApiMethod, type ApiParsedRequest, type Backend, type EnvSummary, type PresetInfo } from '../../shared/api';
import { ENV_IDS, ENV_SPECS, envSpec } from '../../shared/envCatalog';
import { ImlabError } from '../../shared/errors';
import { z } from 'zod';
import { configJsonSchemas } from '../../shared/configSchemas';
import { executorSettingSchema, type ExecutorSetting } from '../../shared/executors';
import { sweepSpecSchema } from '../../shared/sweeps';
import { assertNesting, parseInput } from '../../shared/validate';
import { metricsCsv, resultsTableCsv } from './data/csv';
import { exportDatasetNpz, importDatasetNpz } from './data/npzDataset';
import { resultsTable } from './views/results';
import { ReplayCache } from './views/replay';
import { recordEpisodeConfig } from './runs/recordEpisode';
import { EventHub } from './events';
import { dataHome, type DataHome } from './home';
import { CoordinatorLock } from './queue/coordinatorLock';
import { ChildProcessExecutor, ExecutorRouter, type RunExecutor } from './queue/executor';
import { SlurmExecutor, type SlurmExecutorOptions } from './queue/slurm/slurmExecutor';
import { parseRunConfig } from './runs/runJob';
import { saveDatasetFile } from './runs/storage';
import { RunQueue } from './queue/runQueue';
import { previewSweep } from './queue/sweepEstimate';
import { resourcesDir } from './resources';
import { loadMujocoModule } from './sim/mujoco';
import { randomPolicyReturn } from './sim/randomPolicy';
import { readRunLog } from './runs/runLog';
import { Store } from './store/store';

export interface CoordinatorOptions {
  appVersion: string;
  /** Data folder (default: IMLAB_HOME or the OS default). */
  home?: string;
  executor?: RunExecutor;
  /** The local executor beside Slurm when `executor` is not given (default: child processes of this Node). */
  localExecutor?: RunExecutor;
  concurrency?: number;
  stopGraceMs?: number;
  /** Launch queued runs (false: a coordinator that only answers and edits, e.g. for one CLI command). */
  runQueue?: boolean;
  /** Open the database read-only, without taking the data folder (another process coordinates). */
  readOnly?: boolean;
  /** Options of the Slurm executor (tests and benches shorten its intervals). */
  slurm?: Omit<SlurmExecutorOptions, 'home' | 'exportDataset'>;
}

export interface Coordinator extends Backend {
  readonly home: DataHome;
  readonly store: Store;
  readonly queue: RunQueue;
  readonly lock: CoordinatorLock;
  /** Stops the queue (running runs checkpoint and become interrupted) and releases the data folder. */
  close(): Promise<void>;
}

/** Validates an API request at a shell boundary; errors name the field. */
export function parseRequest<M extends ApiMethod>(method: M, request: unknown): ApiParsedRequest<M> {
  if (!(method in apiRequestSchemas)) throw new ImlabError('not_found', `Unknown API method "${String(method)}".`, 'method');
  assertNesting(request, method);
  return parseInput(apiRequestSchemas[method], request ?? {}, method) as ApiParsedRequest<M>;
}

export async function startCoordinator(o: CoordinatorOptions): Promise<Coordinator> {
  const home = dataHome(o.home);
  const lock = new CoordinatorLock(home.lockPath);
  if (!o.readOnly) lock.acquire();
  let store: Store;
  try {
    store = new Store(home.dbPath, { readonly: o.readOnly });
  } catch (e) {
    lock.release();
    throw e;
  }
  const hub = new EventHub();
  const queue = createQueue(o, home, store, hub);
  if (!o.readOnly) await queue.start({ schedule: o.runQueue ?? true });
  const c: ApiContext = {
    o,
    home,
    store,
    queue,
    hub,
    checkedExecutor: executorChecker(queue),
    randomReturn: randomReturnOf(store),
    replays: new ReplayCache(store),
    whenFinished: (id) => finalStatus(hub, store, id),
  };
  const api: Api = { ...appApi(c), ...runsApi(c), ...queueApi(c), ...dataApi(c), ...exportApi(c), ...builderApi(c), ...pagesApi(c) };

  return {
    api,
    subscribe: hub.subscribe,
    home,
    store,
    queue,
    lock,
    async close() {
      if (!o.readOnly) await queue.shutdown();
      store.close();
      lock.release();
    },
  };
}

/** What the Api methods work with. */
interface ApiContext {
  o: CoordinatorOptions;
  home: DataHome;
  store: Store;
  queue: RunQueue;
  hub: EventHub;
  /** A request's executor setting, validated and checked against the cluster before anything is queued. */
  checkedExecutor: (input: unknown) => Promise<ExecutorSetting | undefined>;
  /** A random policy's mean return on an env, measured once and kept in the settings. */
  randomReturn: (env: string) => Promise<RandomReturn>;
  replays: ReplayCache;
  /** Resolves when the run reaches a final status, with that status. */
  whenFinished: (id: number) => Promise<string>;
}

type RandomReturn = { mean: number; std: number; episodes: number };

/** The queue, with the executors runs can go to (this process's children, Slurm jobs) and the hub its changes go out on. */
function createQueue(o: CoordinatorOptions, home: DataHome, store: Store, hub: EventHub): RunQueue {
  return new RunQueue(
    store,
    home,
    o.executor ??
      new ExecutorRouter({
        local: o.localExecutor ?? new ChildProcessExecutor(),
        slurm: () =>
          new SlurmExecutor({
            home,
            ...o.slurm,
            exportDataset(id, file) {
              const d = store.loadDataset(id);
              if (!d) throw new ImlabError('not_found', `dataset: dataset ${id} does not exist.`, 'dataset');
              saveDatasetFile(d, file);
            },
          }),
      }),
    {
      runChanged: (run) => hub.emit('runChanged', run),
      metricsAppended: (m) => hub.emit('metricsAppended', m),
      queueChanged: (s) => hub.emit('queueChanged', s),
    },
    { concurrency: o.concurrency ?? availableParallelism(), stopGraceMs: o.stopGraceMs },
  );
}

function executorChecker(queue: RunQueue): ApiContext['checkedExecutor'] {
  return async (input) => {
    if (input === undefined) return undefined;
    const setting = parseInput(z.object({ executor: executorSettingSchema }), { executor: input }, 'executor setting').executor;
    await queue.checkExecutor(setting);
    return setting;
  };
}

function randomReturnOf(store: Store): ApiContext['randomReturn'] {
  const measuring = new Map<string, Promise<RandomReturn>>();
  return (env) => {
    const cached = store.getSetting<RandomReturn | null>(`random.${env}`, null);
    if (cached) return Promise.resolve(cached);
    let p = measuring.get(env);
    if (!p) {
      p = randomPolicyReturn(env).then((r) => (store.setSetting(`random.${env}`, r), r));
      measuring.set(env, p);
    }
    return p;
  };
}

function finalStatus(hub: EventHub, store: Store, id: number): Promise<string> {
  return new Promise<string>((resolve) => {
    const done = (status: string) => ['succeeded', 'failed', 'cancelled', 'blocked'].includes(status);
    const off = hub.subscribe('runChanged', (r) => {
      if (r.id === id && done(r.status)) {
        off();
        resolve(r.status);
      }
    });
    const now = store.getRun(id);
    if (!now || done(now.status)) {
      off();
      resolve(now?.status ?? 'deleted');
    }
  });
}

/** The Api methods of the app and its environments. */
function appApi({ o, home }: ApiContext): Pick<Api, 'listEnvs' | 'systemInfo' | 'listPresets'> {
  return {
    async listEnvs(): Promise<EnvSummary[]> {
      return ENV_IDS.map((id) => {
        const { obsDim, actDim, actLow, actHigh, frameSkip, dt, maxEpisodeSteps, description, rewardTerms } = ENV_SPECS[id];
        return { id, obsDim, actDim, actLow, actHigh, frameSkip, dt, maxEpisodeSteps, description, rewardTerms };
      });
    },
    async systemInfo() {
      const mj = await loadMujocoModule();
      return {
        appVersion: o.appVersion,
        mujocoVersion: mj.mj_versionString(),
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
        cpus: availableParallelism(),
        dataFolder: home.root,
      };
    },
    async listPresets() {
      return listPresets();
    },
  };
}

/** The Api methods of runs: list, inspect, queue and control them. */
function runsApi({ store, queue, hub, checkedExecutor }: ApiContext): Pick<Api, 'listRuns' | 'getRun' | 'queueRun' | 'queueSweep' | 'cancelRun' | 'retryRun' | 'resumeRun' | 'deleteRun' | 'setRunPriority' | 'listSweeps'> {
  return {
    async listRuns(r) {
      const q = parseRequest('listRuns', r);
      return { runs: store.listRuns(q), total: store.countRuns(q) };
    },
    async getRun(r) {
      const { id } = parseRequest('getRun', r);
      const run = store.getRunDetail(id);
      if (!run) throw new ImlabError('not_found', `No run with id ${id}.`, 'id');
      return run;
    },
    async queueRun(r) {
      const q = parseRequest('queueRun', r);
      parseRunConfig(q.config);
      const executor = await checkedExecutor(q.executor);
      return { id: queue.enqueueConfig(q.config, { name: q.name, priority: q.priority, executor }) };
    },
    async queueSweep(r) {
      const q = parseRequest('queueSweep', r);
      parseInput(sweepSpecSchema, q.spec, 'sweep');
      return queue.enqueueSweep(q.spec, await checkedExecutor(q.executor));
    },
    async cancelRun(r) {
      queue.cancel(parseRequest('cancelRun', r).id);
      return { ok: true };
    },
    async retryRun(r) {
      return { id: queue.retry(parseRequest('retryRun', r).id) };
    },
    async resumeRun(r) {
      queue.resume(parseRequest('resumeRun', r).id);
      return { ok: true };
    },
    async deleteRun(r) {
      const { id } = parseRequest('deleteRun', r);
      await queue.remove(id);
      hub.emit('runDeleted', { id });
      return { ok: true };
    },
    async setRunPriority(r) {
      const q = parseRequest('setRunPriority', r);
      queue.setPriority(q.id, q.priority);
      return { ok: true };
    },
    async listSweeps() {
      return store.listSweeps();
    },
  };
}

/** The Api methods of the queue: state, pause, settings. */
function queueApi({ queue, checkedExecutor }: ApiContext): Pick<Api, 'getQueue' | 'pauseQueue' | 'resumeQueue' | 'configureQueue'> {
  return {
    async getQueue() {
      return queue.state;
    },
    async pauseQueue() {
      queue.pause();
      return queue.state;
    },
    async resumeQueue() {
      queue.unpause();
      return queue.state;
    },
    async configureQueue(r) {
      const q = parseRequest('configureQueue', r);
      queue.configure({ concurrency: q.concurrency, autoResume: q.autoResume, executor: await checkedExecutor(q.executor) });
      return queue.state;
    },
  };
}

/** The Api methods of what runs recorded: metrics, datasets, trajectories, replays, episodes. */
function dataApi({ store, queue, replays, whenFinished }: ApiContext): Pick<Api, 'listMetricNames' | 'getMetrics' | 'listDatasets' | 'listTrajectories' | 'getReplay' | 'recordEpisode'> {
  return {
    async listMetricNames(r) {
      const { runId } = parseRequest('listMetricNames', r);
      requireRun(store, runId);
      return store.metricNames(runId);
    },
    async getMetrics(r) {
      const q = parseRequest('getMetrics', r);
      requireRun(store, q.runId);
      return store.getMetrics(q.runId, q.names, q);
    },
    async listDatasets() {
      return store.listDatasets();
    },
    async listTrajectories(r) {
      const q = parseRequest('listTrajectories', r);
      if ('datasetId' in q && !store.getDatasetRow(q.datasetId)) throw new ImlabError('not_found', `No dataset with id ${q.datasetId}.`, 'datasetId');
      if ('runId' in q) requireRun(store, q.runId);
      return store.listTrajectories(q);
    },
    async getReplay(r) {
      const { trajectoryId } = parseRequest('getReplay', r);
      return replays.get(trajectoryId);
    },
    async recordEpisode(r) {
      const q = parseRequest('recordEpisode', r);
      const { config, name } = recordEpisodeConfig(store, q);
      // An eval run of one episode, first in line: it runs in its own process like every run.
      const runId = queue.enqueueConfig(config, { name, priority: 1000 });
      const status = await whenFinished(runId);
      const t = store.listTrajectories({ runId })[0];
      if (status !== 'succeeded' || !t) {
        const error = store.getRun(runId)?.error;
        throw new ImlabError('internal', `Recording the episode (run ${runId}) ended ${status}${error ? `: ${error}` : ''}.`, 'runId');
      }
      return { runId, trajectoryId: t.id };
    },
  };
}

/** The Api methods of results and files: the results table, CSV and .npz exports, .npz import. */
function exportApi({ store, randomReturn }: ApiContext): Pick<Api, 'resultsTable' | 'exportResultsCsv' | 'exportMetricsCsv' | 'exportDatasetNpz' | 'importDatasetNpz'> {
  return {
    async resultsTable(r) {
      return resultsTable(store, randomReturn, parseRequest('resultsTable', r).sweepId);
    },
    async exportResultsCsv(r) {
      const { sweepId } = parseRequest('exportResultsCsv', r);
      return { fileName: sweepId ? `results-sweep-${sweepId}.csv` : 'results.csv', csv: resultsTableCsv(await resultsTable(store, randomReturn, sweepId)) };
    },
    async exportMetricsCsv(r) {
      const { runId } = parseRequest('exportMetricsCsv', r);
      requireRun(store, runId);
      const rows = store.allMetrics(runId);
      return { fileName: `run-${runId}-metrics.csv`, csv: metricsCsv(rows), rows: rows.length };
    },
    async exportDatasetNpz(r) {
      const { datasetId } = parseRequest('exportDatasetNpz', r);
      const d = store.loadDataset(datasetId);
      if (!d) throw new ImlabError('not_found', `No dataset with id ${datasetId}.`, 'datasetId');
      return { fileName: `dataset-${datasetId}-${d.env}.npz`, base64: exportDatasetNpz(d).toString('base64') };
    },
    async importDatasetNpz(r) {
      const q = parseRequest('importDatasetNpz', r);
      const env = envSpec(q.env).id;
      // Parsed and checked completely before anything is written; the insert is one transaction.
      const d = importDatasetNpz(Buffer.from(q.data, 'base64'), env, q.name);
      const name = q.name ?? `imported ${env}`;
      const id = store.insertDataset(d, name, null);
      const row = store.getDatasetRow(id)!;
      return { id, trajectories: row.trajectories, steps: row.steps, meanReturn: row.meanReturn, stdReturn: row.stdReturn };
    },
  };
}

/** The Api methods of the experiment builder: config schemas, sweep previews and presets. */
function builderApi({ store, queue }: ApiContext): Pick<Api, 'getConfigSchemas' | 'previewSweep' | 'listSweepPresets'> {
  return {
    async getConfigSchemas(r) {
      parseRequest('getConfigSchemas', r);
      return configJsonSchemas();
    },
    async previewSweep(r) {
      // The same validation as queueSweep, so the form's errors are the queue's.
      const spec = parseInput(sweepSpecSchema, parseRequest('previewSweep', r).spec, 'sweep');
      return previewSweep(spec, store.listRuns({ status: ['succeeded'], limit: RATE_SAMPLE }), queue.state.concurrency);
    },
    async listSweepPresets(r) {
      parseRequest('listSweepPresets', r);
      return listSweepPresets();
    },
  };
}

/** The Api methods of the app pages: run logs and tags. */
function pagesApi({ store, hub }: ApiContext): Pick<Api, 'getRunLog' | 'listTags' | 'setRunTags'> {
  return {
    async getRunLog(r) {
      const q = parseRequest('getRunLog', r);
      requireRun(store, q.runId);
      return readRunLog(store.runDir(q.runId), q.since, q.limit);
    },
    async listTags() {
      return store.listTags();
    },
    async setRunTags(r) {
      const q = parseRequest('setRunTags', r);
      if (!store.getRun(q.id)) throw new ImlabError('not_found', `No run with id ${q.id}.`, 'id');
      const drop = new Set(q.remove);
      const tags = [...new Set([...store.runTags(q.id), ...q.add])].filter((t) => !drop.has(t));
      store.setTags(q.id, tags);
      const run = store.getRun(q.id);
      if (run) hub.emit('runChanged', run);
      return { tags: store.runTags(q.id) };
    },
  };
}

/** Newest finished runs the preview measures this machine's rates from. */
const RATE_SAMPLE = 2000;

function requireRun(store: Store, id: number): void {
  if (!store.getRun(id)) throw new ImlabError('not_found', `No run with id ${id}.`, 'runId');
}

export function listPresets(): PresetInfo[] {
  const dir = join(resourcesDir(), 'presets');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const p = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { kind?: string; name?: string };
      return { file, kind: p.kind ?? 'sweep', name: p.name ?? file };
    });
}

export function listSweepPresets(): { file: string; name: string; spec: Record<string, unknown> }[] {
  const dir = join(resourcesDir(), 'presets', 'sweeps');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const spec = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
      return { file, name: typeof spec.name === 'string' ? spec.name : file, spec };
    });
}
