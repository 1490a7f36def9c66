/**
 * The bundled job entry (out/main/jobProcess.js, what a Slurm node runs, with
 * no TypeScript and no sources needed): run by plain Node it trains a run to
 * the end, writing its reports to the events file; stopped with SIGTERM and
 * started again on the same events file (Slurm restarting a job in place) it
 * continues from its checkpoint, not from scratch, to the numbers of a run
 * that was never stopped. test/globalSetup.ts builds out/ first.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { JobLine } from '../../src/main/core/runs/jobProcess';
import { defaultJobCommand } from '../../src/main/core/queue/slurm/slurmExecutor';
import { waitFor } from '../helpers/coordinator';
import { tempDir } from '../helpers/runs';

const bundle = resolve('out/main/jobProcess.js');
const config = (seed: number) => ({ kind: 'expert', env: 'InvertedPendulum-v5', seed, totalSteps: 10 * 1024, evalEvery: 0, checkpointEvery: 2, finalEvalEpisodes: 2 });

function startJob(dir: string, seed: number, events: string) {
  const start = join(dir, 'start.json');
  writeFileSync(start, JSON.stringify({ type: 'start', config: config(seed), dir, dbPath: join(dir, 'no.db'), resumeAtMost: 0 }));
  // From the temp folder, so nothing is found relative to the checkout by accident.
  const child = spawn(process.execPath, [bundle, start, events], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SLURM_JOB_ID: '77', SLURM_RESTART_COUNT: '1' } });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return { child, exited: new Promise<number | null>((r) => child.on('exit', (code) => r(code))), stderr: () => stderr };
}

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JobLine);
const finalMean = (ls: JobLine[]) => ls.flatMap((l) => (l.type === 'event' && l.event.type === 'done' ? [l.event.summary.finalEval?.mean] : []));

describe('the bundled job entry', () => {
  it('is what a node runs when it is built and current', () => {
    expect(existsSync(bundle)).toBe(true);
    expect(defaultJobCommand().at(-1)).toBe(bundle);
    expect(defaultJobCommand()).not.toContain('--import');
  });

  it('runs a job with plain Node, and continues from its checkpoint when started again on the same events file', async () => {
    const whole = tempDir('job-whole');
    const ref = startJob(whole, 3, join(whole, 'events.jsonl'));
    const dir = tempDir('job-restart');
    const events = join(dir, 'events.jsonl');
    const first = startJob(dir, 3, events);
    await waitFor(() => existsSync(events) && lines(events).some((l) => l.type === 'event' && l.event.type === 'checkpoint' && l.event.iteration >= 4), 120_000, 'a checkpoint at iteration 4');
    first.child.kill('SIGTERM');
    expect(await first.exited, first.stderr()).toBe(3);
    expect(lines(events).at(-1)).toEqual({ type: 'exit', code: 3, signal: 'SIGTERM' });
    const stoppedAt = lines(events).filter((l) => l.type === 'interrupted').length;
    expect(stoppedAt).toBe(1);

    const second = startJob(dir, 3, events);
    expect(await second.exited, second.stderr()).toBe(0);
    expect(await ref.exited, ref.stderr()).toBe(0);
    const all = lines(events);
    const starts = all.flatMap((l) => (l.type === 'event' && l.event.type === 'started' ? [l.event.resumedFrom] : []));
    expect(starts[0]).toBeNull();
    expect(starts[1]).toBeGreaterThanOrEqual(4);
    expect(all.some((l) => l.type === 'event' && l.event.type === 'log' && /Slurm started job 77 again \(restart 1\); continuing from the newest checkpoint/.test(l.event.message))).toBe(true);
    expect(all.at(-1)).toEqual({ type: 'exit', code: 0, signal: null });
    expect(finalMean(all)).toEqual(finalMean(lines(join(whole, 'events.jsonl'))));
    expect(finalMean(all)).toHaveLength(1);
  }, 240_000);
});
