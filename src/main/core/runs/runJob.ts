/**
 * The single entry point of every run kind: validate the config, choose the
 * tfjs backend, execute, report. The CLI runs it in the foreground; the queue
 * (issue #5) runs it in a child process, forwarding the sink's events.
 */
import type { ProgressSink, RunSummary } from '../../../shared/progress';
import { runConfigSchema, type RunConfig } from '../../../shared/runConfigs';
import { parseInput } from '../../../shared/validate';
import { initBackend } from '../learn/backend';
import { NonFiniteError } from '../learn/divergence';
import { runBc } from './bcRun';
import { runEval } from './evalRun';
import { runExpert } from './expertRun';
import { runGail } from './gailRun';
import type { DatasetLoader, RunContext } from './runContext';
import { runSample } from './sampleRun';
import { FILES, loadDataset, type RunStorage } from './storage';

export interface RunJobOptions {
  storage: RunStorage;
  sink: ProgressSink;
  signal?: AbortSignal;
  resume?: boolean;
  /** Default: datasets are files or run folders. */
  loadDataset?: DatasetLoader;
}

/** Validates `input` as a run config (errors name the field) without running it. */
export function parseRunConfig(input: unknown): RunConfig {
  return parseInput(runConfigSchema, input, 'config', 'invalid_config');
}

export async function runJob(input: unknown, o: RunJobOptions): Promise<RunSummary> {
  const config = parseRunConfig(input);
  const backend = await initBackend();
  o.storage.writeJson(FILES.config, config);
  const ctx: RunContext = { sink: o.sink, storage: o.storage, backend, signal: o.signal, resume: o.resume ?? false, loadDataset: o.loadDataset ?? loadDataset };
  let summary: RunSummary;
  try {
    switch (config.kind) {
      case 'expert':
        summary = await runExpert(config, ctx);
        break;
      case 'gail':
        summary = await runGail(config, ctx);
        break;
      case 'bc':
        summary = await runBc(config, ctx);
        break;
      case 'sample':
        summary = await runSample(config, ctx);
        break;
      case 'eval':
        summary = await runEval(config, ctx);
        break;
    }
  } catch (e) {
    if (e instanceof NonFiniteError) {
      const last = o.storage.latestCheckpoint<{ iteration: number }>();
      const where = last ? `its last good checkpoint (iteration ${last.iteration}) can be resumed` : 'no checkpoint was written yet';
      throw new Error(`Training diverged: ${e.message}; ${where}.`);
    }
    throw e;
  }
  o.storage.writeJson(FILES.summary, summary);
  o.sink.emit({ type: 'done', summary });
  return summary;
}
