/** CLI commands over the run database and queue: queue, list, show, datasets, cancel, retry, resume, delete, work. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeBackend } from '../../../shared/computeBackend';
import { RUN_STATUSES, type RunRow, type RunStatus } from '../../../shared/runs';
import { placementText } from '../../../shared/executors';
import { ImlabError } from '../../../shared/errors';
import { APP_VERSION } from '../../appVersion';
import { resourcesDir } from '../../core/resources';
import { integer, positiveInteger, required } from '../args';
import { connect, type Access } from '../connect';
import { formatTable, type Output } from '../output';
import { readJsonFile } from '../readJson';

export const QUEUE_HELP = `imlab queue --sweep <file|preset> | --config <file> [--priority P] [--executor <json|file>] [--wait] [--json]
  Queue a sweep (e.g. --sweep InvertedPendulum-quick) or one run. Runs execute
  while a coordinator runs (the app, imlab serve, imlab work, or --wait).
  --executor: where they execute, e.g. '{"kind":"slurm","partition":"gpu","timeLimit":"8:00:00"}'
  (default: the queue's setting, see imlab executor).
imlab executor [<json|file>] [--json]  show or set the queue's default executor (local or slurm)
imlab list [--status queued,running,…] [--sweep ID] [--limit N] [--json]
imlab show <run> [--json]            imlab datasets [--json]
imlab cancel|retry|resume|delete <run> [--json]
imlab work [--json]                  run queued runs until none is left
Every command takes --home <folder> (default: IMLAB_HOME or the per-user data folder).`;

export function homeOption(argv: string[]): { home?: string; rest: string[] } {
  const i = argv.indexOf('--home');
  if (i < 0) return { rest: argv };
  const home = argv[i + 1];
  if (!home) throw new ImlabError('invalid_input', '--home needs a folder.', 'home');
  return { home, rest: [...argv.slice(0, i), ...argv.slice(i + 2)] };
}

export async function withConnection<T>(argv: string[], access: Access, fn: (c: Awaited<ReturnType<typeof connect>>, rest: string[]) => Promise<T>): Promise<T> {
  const { home, rest } = homeOption(argv);
  const c = await connect(home, access, APP_VERSION);
  try {
    return await fn(c, rest);
  } finally {
    await c.close();
  }
}

/** A sweep argument: a file path, or a preset name under resources/presets/sweeps. */
function readSweep(arg: string): unknown {
  if (existsSync(arg)) return readJsonFile(arg, 'sweep');
  const preset = join(resourcesDir(), 'presets', 'sweeps', arg.endsWith('.json') ? arg : `${arg}.json`);
  if (existsSync(preset)) return JSON.parse(readFileSync(preset, 'utf8')) as unknown;
  throw new ImlabError('invalid_input', `--sweep ${arg}: no such file or sweep preset.`, 'sweep');
}

function runTable(runs: RunRow[]): string {
  const f = (x: number | null) => (x === null ? '–' : x.toFixed(1));
  return formatTable(
    ['id', 'name', 'status', 'iter', 'env steps', 'last eval', 'final', 'where'],
    runs.map((r) => [r.id, r.name, r.status, r.iteration, r.envSteps, f(r.lastEval), r.finalMean === null ? '–' : `${f(r.finalMean)} ± ${f(r.finalStd)}`, placementText(r.placement) ?? 'local']),
  );
}

function runId(arg: string | undefined): number {
  const id = Number(required(arg, 'run', 'a run id, see `imlab list`'));
  if (!Number.isSafeInteger(id) || id <= 0) throw new ImlabError('invalid_input', `run must be a positive integer id, got "${arg}".`, 'run');
  return id;
}

export async function queueCommand(argv: string[], out: Output): Promise<number> {
  const { values } = parseArgs({
    args: homeOption(argv).rest,
    options: { sweep: { type: 'string' }, config: { type: 'string' }, priority: { type: 'string' }, executor: { type: 'string' }, wait: { type: 'boolean' }, json: { type: 'boolean' } },
  });
  const executor = values.executor === undefined ? undefined : executorArg(values.executor);
  if (!values.sweep === !values.config) throw new ImlabError('invalid_input', 'Give exactly one of --sweep <file|preset> or --config <file>.', 'sweep');
  return withConnection(argv, values.wait ? 'run' : 'write', async (c) => {
    const result = values.sweep
      ? await c.api.queueSweep({ spec: readSweep(values.sweep), executor })
      : { sweepId: null, runIds: [(await c.api.queueRun({ config: readJsonFile(values.config!, 'config'), priority: integer(values.priority, 'priority', 0), executor })).id] };
    if (!values.wait) {
      out.result(result, () => `queued ${result.runIds.length} run(s)${result.sweepId ? ` as sweep ${result.sweepId}` : ''}: ${result.runIds.join(', ')}` + (c.via === 'coordinator' ? '\nthey run while the app, `imlab serve` or `imlab work` is running' : ''));
      return 0;
    }
    await waitForQueue(c, out);
    const runs = await Promise.all(result.runIds.map((id) => c.api.getRun({ id })));
    out.result({ ...result, runs }, () => runTable(runs));
    return runs.every((r) => r.status === 'succeeded') ? 0 : 1;
  });
}

/** An executor setting given inline as JSON, or as a JSON file. */
function executorArg(arg: string): unknown {
  if (arg.trim().startsWith('{')) {
    try {
      return JSON.parse(arg) as unknown;
    } catch (e) {
      throw new ImlabError('invalid_input', `--executor: not valid JSON (${(e as Error).message}).`, 'executor');
    }
  }
  if (arg === 'local' || arg === 'slurm') return { kind: arg };
  return readJsonFile(arg, 'executor');
}

/** Shows or sets the queue's default executor. */
export async function executorCommand(argv: string[], out: Output): Promise<number> {
  const { positionals } = parseArgs({ args: homeOption(argv).rest, options: { json: { type: 'boolean' } }, allowPositionals: true });
  return withConnection(argv, positionals.length ? 'write' : 'read', async (c) => {
    const state = positionals.length ? await c.api.configureQueue({ executor: executorArg(positionals[0]) }) : await c.api.getQueue({});
    out.result(state.executor, () => JSON.stringify(state.executor));
    return 0;
  });
}

async function waitForQueue(c: Awaited<ReturnType<typeof connect>>, out: Output): Promise<void> {
  if (!c.local) {
    out.info('the coordinator running elsewhere executes the runs; waiting for them…');
    for (;;) {
      const s = await c.api.getQueue({});
      if (s.running === 0 && (s.queued === 0 || s.paused)) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const off = c.local.subscribe('runChanged', (r) => {
    if (r.status !== 'running' || r.iteration === 0) out.info(`run ${r.id} ${r.name}: ${r.status}${r.error ? ` (${r.error})` : ''}`);
  });
  await c.local.queue.idle();
  off();
}

export async function workCommand(argv: string[], out: Output): Promise<number> {
  return withConnection(argv, 'run', async (c) => {
    if (!c.local) throw new ImlabError('invalid_input', 'Another coordinator is running the queue already.', 'home');
    await waitForQueue(c, out);
    const s = await c.api.getQueue({});
    out.result(s, () => `queue idle: ${s.queued} queued${s.paused ? ' (paused)' : ''}`);
    return 0;
  });
}

export async function listCommand(argv: string[], out: Output): Promise<number> {
  const { values } = parseArgs({
    args: homeOption(argv).rest,
    options: { status: { type: 'string' }, sweep: { type: 'string' }, limit: { type: 'string' }, offset: { type: 'string' }, json: { type: 'boolean' } },
  });
  const status = values.status?.split(',').map((s) => s.trim());
  for (const s of status ?? []) {
    if (!(RUN_STATUSES as readonly string[]).includes(s)) throw new ImlabError('invalid_input', `--status ${s} is not a status; use ${RUN_STATUSES.join(', ')}.`, 'status');
  }
  return withConnection(argv, 'read', async (c) => {
    const page = await c.api.listRuns({
      status: status as RunStatus[] | undefined,
      sweepId: values.sweep ? positiveInteger(values.sweep, 'sweep', 1) : undefined,
      limit: positiveInteger(values.limit, 'limit', 100),
      offset: integer(values.offset, 'offset', 0),
    });
    out.result(page.runs, () => `${runTable(page.runs)}\n${page.runs.length} of ${page.total} runs`);
    return 0;
  });
}

export async function showCommand(argv: string[], out: Output): Promise<number> {
  const { positionals } = parseArgs({ args: homeOption(argv).rest, options: { json: { type: 'boolean' } }, allowPositionals: true });
  return withConnection(argv, 'read', async (c) => {
    const run = await c.api.getRun({ id: runId(positionals[0]) });
    out.result(run, () =>
      [
        `run ${run.id} ${run.name}: ${run.status}${run.error ? ` (${run.error})` : ''}`,
        `kind ${run.kind}, env ${run.env}, seed ${run.seed}, attempt ${run.attempt}, computed on ${describeBackend(run.backend)}`,
        `iteration ${run.iteration}, env steps ${run.envSteps}`,
        ...run.evaluations.map((e) => `  eval @${e.iteration}${e.final ? ' (final)' : ''} ${e.mode}: ${e.mean.toFixed(1)} ± ${e.std.toFixed(1)} (${e.episodes} episodes)`),
        `folder ${run.dir}`,
      ].join('\n'),
    );
    return 0;
  });
}

export async function datasetsCommand(argv: string[], out: Output): Promise<number> {
  return withConnection(argv, 'read', async (c) => {
    const ds = await c.api.listDatasets({});
    out.result(ds, () =>
      formatTable(
        ['id', 'name', 'env', 'trajectories', 'steps', 'mean return'],
        ds.map((d) => [d.id, d.name, d.env, d.trajectories, d.steps, `${d.meanReturn.toFixed(1)} ± ${d.stdReturn.toFixed(1)}`]),
      ),
    );
    return 0;
  });
}

export async function runControlCommand(action: 'cancel' | 'retry' | 'resume' | 'delete', argv: string[], out: Output): Promise<number> {
  const { positionals } = parseArgs({ args: homeOption(argv).rest, options: { json: { type: 'boolean' } }, allowPositionals: true });
  const id = runId(positionals[0]);
  return withConnection(argv, 'write', async (c) => {
    switch (action) {
      case 'cancel':
        await c.api.cancelRun({ id });
        break;
      case 'resume':
        await c.api.resumeRun({ id });
        break;
      case 'delete':
        await c.api.deleteRun({ id });
        break;
      case 'retry': {
        const r = await c.api.retryRun({ id });
        out.result({ id: r.id, retryOf: id }, () => `run ${id} retried as run ${r.id}`);
        return 0;
      }
    }
    out.result({ id, action }, () => `${action}: run ${id}`);
    return 0;
  });
}
