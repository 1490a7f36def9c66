/**
 * The single entry point of every run kind: validate the config, start tfjs
 * where Behavioral Cloning will train, execute, report. The CLI runs it in the foreground; the queue
 * runs it in a child process, forwarding the sink's events
 * (docs/architecture.md).
 */
import { backendLabel, type RunCompute } from '../../../shared/computeBackend';
import { ImlabError } from '../../../shared/errors';
import type { ProgressSink, RunSummary } from '../../../shared/progress';
import { runConfigSchema, type RunConfig } from '../../../shared/runConfigs';
import { parseInput } from '../../../shared/validate';
import { NonFiniteError } from '../learn/divergence';
import type { DatasetLoader, RunContext } from './runContext';
import { FILES, loadDataset, type RunStorage } from './storage';

export interface RunJobOptions {
  storage: RunStorage;
  sink: ProgressSink;
  signal?: AbortSignal;
  resume?: boolean;
  /** Default: datasets are files or run folders. */
  loadDataset?: DatasetLoader;
  /** Resume from no checkpoint newer than this iteration. */
  resumeAtMost?: number;
}

/** Validates `input` as a run config (errors name the field) without running it. */
export function parseRunConfig(input: unknown): RunConfig {
  return parseInput(runConfigSchema, input, 'config', 'invalid_config');
}

export async function runJob(input: unknown, o: RunJobOptions): Promise<RunSummary> {
  const config = parseRunConfig(input);
  // Every kind computes on the WebAssembly kernels; tfjs is started only where
  // Behavioral Cloning trains (docs/algorithms.md, "Where the arithmetic runs").
  const trainsBc = config.kind === 'bc' || (config.kind === 'gail' && config.bcWarmStartIterations > 0);
  const compute: RunCompute = { compute: 'wasm-kernels', tfBackend: trainsBc ? await (await import('../learn/backend')).initBackend() : null };
  o.storage.writeJson(FILES.config, config);
  const ctx: RunContext = {
    sink: o.sink,
    storage: o.storage,
    backend: backendLabel(compute),
    signal: o.signal,
    resume: o.resume ?? false,
    resumeAtMost: o.resumeAtMost,
    loadDataset: o.loadDataset ?? loadDataset,
  };
  let summary: RunSummary;
  try {
    // Each kind's code is loaded on demand: a process loads only what its kind uses.
    switch (config.kind) {
      case 'expert':
        summary = await (await import('./expertRun')).runExpert(config, ctx);
        break;
      case 'gail':
        summary = await (await import('./gailRun')).runGail(config, ctx);
        break;
      case 'bc':
        summary = await (await import('./bcRun')).runBc(config, ctx);
        break;
      case 'sample':
        summary = await (await import('./sampleRun')).runSample(config, ctx);
        break;
      case 'eval':
        summary = await (await import('./evalRun')).runEval(config, ctx);
        break;
    }
  } catch (e) {
    if (e instanceof NonFiniteError) {
      const last = o.storage.latestCheckpoint<{ iteration: number }>();
      const where = last ? `its last good checkpoint (iteration ${last.iteration}) can be resumed` : 'no checkpoint was written yet';
      throw new ImlabError('diverged', `Training diverged: ${e.message}; ${where}.`);
    }
    throw e;
  }
  summary = { ...summary, ...compute };
  o.storage.writeJson(FILES.summary, summary);
  o.sink.emit({ type: 'done', summary });
  return summary;
}
