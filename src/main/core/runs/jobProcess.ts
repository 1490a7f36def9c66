/**
 * Entry point of a run as a batch job on a cluster node: reads its start
 * message from a file in the run folder and appends every report (the same
 * messages a local run process sends over IPC) to an events file beside it,
 * one JSON line each, ending with {"type":"exit","code":…}. The coordinator
 * tails that file; this process never opens the run database. SIGTERM (cancel,
 * Slurm's time limit, preemption) stops it after the current iteration with a
 * checkpoint, so the run can resume. Its config names datasets by file (the
 * executor exports a dataset:<id> into the run folder before submitting).
 * When Slurm restarts the job in place (a --requeue job preempted or
 * requeued), the events file already holds the earlier start's reports, all
 * of which the coordinator stores: the run continues from the newest
 * checkpoint they cover.
 *
 *   node jobProcess.js <start.json> <events.jsonl>
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { EXIT, type ChildMessage, type StartMessage } from './processProtocol';
import { RunInterrupted } from './runContext';
import { runJob } from './runJob';
import { RunDirectory } from './storage';

export type JobLine = ChildMessage | { type: 'exit'; code: number; signal: string | null };

async function main(startFile: string, eventsFile: string): Promise<number> {
  const write = (m: JobLine) => appendFileSync(eventsFile, `${JSON.stringify(m)}\n`);
  const start = JSON.parse(readFileSync(startFile, 'utf8')) as StartMessage;
  const earlier = reportedIteration(eventsFile);
  if (earlier !== null) {
    const restart = process.env.SLURM_RESTART_COUNT ? ` (restart ${process.env.SLURM_RESTART_COUNT})` : '';
    write({ type: 'event', event: { type: 'log', level: 'warn', message: `Slurm started job ${process.env.SLURM_JOB_ID ?? '?'} again${restart}; continuing from the newest checkpoint up to iteration ${earlier}` } });
  }
  const controller = new AbortController();
  let signal: string | null = null;
  process.on('SIGTERM', () => {
    signal = 'SIGTERM';
    controller.abort();
  });
  let code: number;
  try {
    await runJob(start.config, {
      storage: new RunDirectory(start.dir),
      sink: { emit: (event) => write({ type: 'event', event }) },
      signal: controller.signal,
      resume: true,
      resumeAtMost: Math.max(start.resumeAtMost, earlier ?? 0),
    });
    code = EXIT.succeeded;
  } catch (e) {
    if (e instanceof RunInterrupted) {
      write({ type: 'interrupted', iteration: e.iteration });
      code = EXIT.interrupted;
    } else {
      write({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
      code = EXIT.failed;
    }
  }
  write({ type: 'exit', code, signal });
  return code;
}

/** The newest iteration an earlier start of this job reported metrics for; null when this is the first start. */
function reportedIteration(eventsFile: string): number | null {
  if (!existsSync(eventsFile)) return null;
  let newest = 0;
  for (const line of readFileSync(eventsFile, 'utf8').split('\n')) {
    // The last line may be cut short where the earlier start was killed mid-write.
    if (!line.endsWith('}')) continue;
    try {
      const m = JSON.parse(line) as JobLine;
      if (m.type === 'event' && m.event.type === 'metrics') newest = Math.max(newest, m.event.iteration);
    } catch {
      continue;
    }
  }
  return newest;
}

const [startFile, eventsFile] = process.argv.slice(2);
void main(startFile, eventsFile).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(EXIT.failed);
  },
);
