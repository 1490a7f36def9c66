import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProgressEvent, RunSummary } from '../../src/shared/progress';
import type { RunConfigInput } from '../../src/shared/runConfigs';
import { runJob } from '../../src/main/core/runs/runJob';
import { RunDirectory } from '../../src/main/core/runs/storage';

export interface RecordedRun {
  dir: string;
  events: ProgressEvent[];
  summary: RunSummary;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `imlab-${prefix}-`));
}

/** Runs a job in-process, recording every progress event. */
export async function recordRun(
  config: RunConfigInput,
  dir = tempDir(config.kind),
  options: { resume?: boolean; stopAfterCheckpoint?: number; events?: ProgressEvent[] } = {},
): Promise<RecordedRun> {
  // Events land in the caller's array when given, so they survive a run that throws.
  const events: ProgressEvent[] = options.events ?? [];
  const controller = new AbortController();
  const summary = await runJob(config, {
    storage: new RunDirectory(dir),
    resume: options.resume,
    signal: controller.signal,
    sink: {
      emit(e) {
        events.push(e);
        if (options.stopAfterCheckpoint !== undefined && e.type === 'checkpoint' && e.iteration >= options.stopAfterCheckpoint) controller.abort();
      },
    },
  });
  return { dir, events, summary };
}
