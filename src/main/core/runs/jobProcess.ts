/**
 * Entry point of a run as a batch job on a cluster node: reads its start
 * message from a file in the run folder and appends every report (the same
 * messages a local run process sends over IPC) to an events file beside it,
 * one JSON line each, ending with {"type":"exit","code":…}. The coordinator
 * tails that file; this process never opens the run database. SIGTERM (cancel,
 * Slurm's time limit, preemption) stops it after the current iteration with a
 * checkpoint, so the run can resume. Its config names datasets by file (the
 * executor exports a dataset:<id> into the run folder before submitting).
 *
 *   node jobProcess.js <start.json> <events.jsonl>
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { EXIT, type ChildMessage, type StartMessage } from './processProtocol';
import { RunInterrupted } from './runContext';
import { runJob } from './runJob';
import { RunDirectory } from './storage';

export type JobLine = ChildMessage | { type: 'exit'; code: number; signal: string | null };

async function main(startFile: string, eventsFile: string): Promise<number> {
  const write = (m: JobLine) => appendFileSync(eventsFile, `${JSON.stringify(m)}\n`);
  const start = JSON.parse(readFileSync(startFile, 'utf8')) as StartMessage;
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
      resumeAtMost: start.resumeAtMost,
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

const [startFile, eventsFile] = process.argv.slice(2);
void main(startFile, eventsFile).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(EXIT.failed);
  },
);
