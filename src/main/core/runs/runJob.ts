/**
 * The single entry point of every run kind: validate the config, choose the
 * tfjs backend, execute, report. The CLI runs it in the foreground; the queue
 * runs it in a child process, forwarding the sink's events
 * (docs/architecture.md).
 */
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
  // Each kind's code is loaded on demand: sampling and evaluation act through
  // the plain-JS forward and never pay for loading tfjs in their process.
  const learns = config.kind === 'expert' || config.kind === 'bc' || config.kind === 'gail';
  const backend = learns ? await (await import('../learn/backend')).initBackend() : 'js';
  o.storage.writeJson(FILES.config, config);
  const ctx: RunContext = { sink: o.sink, storage: o.storage, backend, signal: o.signal, resume: o.resume ?? false, resumeAtMost: o.resumeAtMost, loadDataset: o.loadDataset ?? loadDataset };
  let summary: RunSummary;
  try {
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
  o.storage.writeJson(FILES.summary, summary);
  o.sink.emit({ type: 'done', summary });
  return summary;
}
