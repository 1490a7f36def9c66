import { parseArgs } from 'node:util';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeBackend } from '../../../shared/computeBackend';
import type { ProgressEvent, ProgressSink } from '../../../shared/progress';
import { RunInterrupted } from '../../core/runs/runContext';
import { runJob, parseRunConfig } from '../../core/runs/runJob';
import { FILES, RunDirectory } from '../../core/runs/storage';
import { required } from '../args';
import type { Output } from '../output';
import { readJsonFile } from '../readJson';

export const RUN_HELP = `imlab run --config <file.json> --out <dir> [--resume] [--json]
  Runs one run (expert, sample, bc, gail, eval) in the foreground, writing its
  policy/dataset, checkpoints and events.jsonl into <dir>. --resume continues
  from the latest checkpoint in <dir>. With --json: one JSON line per iteration
  and a final {"done":true,…} summary line. Ctrl-C checkpoints and stops.`;

/** Appends every event to <dir>/events.jsonl; on resume, drops events after the checkpoint. */
function eventLog(dir: string, resumeIteration: number | null): ProgressSink {
  const path = join(dir, FILES.events);
  if (resumeIteration === null) writeFileSync(path, '');
  else if (existsSync(path)) {
    const kept = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line && (JSON.parse(line) as { iteration?: number }).iteration! <= resumeIteration);
    writeFileSync(path, kept.map((l) => `${l}\n`).join(''));
  }
  return {
    emit(e) {
      if (e.type === 'metrics' || e.type === 'evaluation' || e.type === 'checkpoint') writeFileSync(path, `${JSON.stringify(e)}\n`, { flag: 'a' });
    },
  };
}

function printer(out: Output): ProgressSink {
  return {
    emit(e: ProgressEvent) {
      if (out.json) {
        if (e.type === 'metrics') process.stdout.write(`${JSON.stringify({ type: 'metrics', iteration: e.iteration, envSteps: e.envSteps, ...e.values })}\n`);
        else if (e.type === 'done') process.stdout.write(`${JSON.stringify(e.summary)}\n`);
        else process.stdout.write(`${JSON.stringify(e)}\n`);
        return;
      }
      switch (e.type) {
        case 'started':
          out.info(`${e.kind} on ${e.env} (computing on ${describeBackend(e.backend)})${e.resumedFrom !== null ? `, resumed after iteration ${e.resumedFrom}` : ''}`);
          break;
        case 'metrics': {
          const v = e.values;
          const parts = [`iter ${e.iteration}`, `steps ${e.envSteps}`];
          for (const k of ['episodeReturn', 'trainLoss', 'validationLoss', 'discriminatorLoss', 'kl', 'approxKl', 'envStepsPerSec']) {
            if (v[k] !== undefined) parts.push(`${k} ${Math.abs(v[k]) >= 100 ? v[k].toFixed(1) : v[k].toPrecision(3)}`);
          }
          out.info(parts.join('  '));
          break;
        }
        case 'evaluation':
          out.info(`${e.final ? 'final ' : ''}evaluation (${e.result.mode}, ${e.result.episodes} episodes): ${e.result.mean.toFixed(1)} ± ${e.result.std.toFixed(1)}`);
          break;
        case 'log':
          out.info(e.message);
          break;
        case 'done':
          process.stdout.write(
            `done: ${e.summary.kind} on ${e.summary.env}` +
              (e.summary.finalEval ? `, return ${e.summary.finalEval.mean.toFixed(1)} ± ${e.summary.finalEval.std.toFixed(1)}` : '') +
              `, ${e.summary.envSteps} env steps in ${e.summary.wallSeconds.toFixed(1)} s (${describeBackend(e.summary.backend)})\n`,
          );
          break;
        default:
          break;
      }
    },
  };
}

export async function runCommand(argv: string[], out: Output): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { config: { type: 'string' }, out: { type: 'string' }, resume: { type: 'boolean' }, json: { type: 'boolean' } },
    strict: true,
  });
  const configPath = required(values.config, 'config', 'a run config JSON file, e.g. resources/presets/InvertedPendulum-expert-trpo.json');
  const dir = required(values.out, 'out', 'a folder for the run\'s outputs');
  const config = parseRunConfig(readJsonFile(configPath, 'config'));
  const storage = new RunDirectory(dir);
  const resumeFrom = values.resume ? (storage.latestCheckpoint<{ iteration: number }>()?.iteration ?? null) : null;
  const log = eventLog(storage.dir, resumeFrom);
  const print = printer(out);
  const controller = new AbortController();
  const onSignal = () => {
    out.info('stopping after this iteration (checkpointing)…');
    controller.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await runJob(config, {
      storage,
      sink: { emit: (e) => (log.emit(e), print.emit(e)) },
      signal: controller.signal,
      resume: values.resume ?? false,
    });
    return 0;
  } catch (e) {
    if (e instanceof RunInterrupted) {
      out.info(`${e.message}: npm run imlab -- run --config ${configPath} --out ${dir} --resume`);
      return 130;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
