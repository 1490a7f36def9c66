/**
 * The Slurm executor's reading of how a job ended, and its automatic
 * resubmissions, without a cluster: fake sbatch/squeue/sacct/scancel scripts
 * stand in for Slurm at its process boundary, and the test writes the job's
 * events file as a run on a node would.
 */
import { appendFileSync, chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SlurmCli } from '../../src/main/core/queue/slurm/slurmCli';
import { SlurmExecutor, slurmVerdict } from '../../src/main/core/queue/slurm/slurmExecutor';
import type { ChildMessage, StartMessage } from '../../src/main/core/runs/processProtocol';
import type { StoredPlacement } from '../../src/main/core/store/store';
import type { JobLine } from '../../src/main/core/runs/jobProcess';
import { slurmExecutorSchema } from '../../src/shared/executors';
import { waitFor } from '../helpers/coordinator';
import { tempDir } from '../helpers/runs';

const setting = slurmExecutorSchema.parse({ kind: 'slurm', timeLimit: '30', memory: '2G' });

describe('slurmVerdict', () => {
  const verdict = (state: string | null, o: { reason?: string; output?: string; exit?: { code: number; signal: string | null } } = {}) =>
    slurmVerdict('12', state ? { jobId: '12', state, reason: o.reason ?? null, node: 'n3' } : null, setting, o.output ?? '', '/runs/1/slurm/x.events.jsonl', o.exit ?? null);

  it("turns Slurm's stops into interrupted runs, in words, with the cause a resubmission counts against", () => {
    expect(verdict('TIMEOUT')).toEqual({ status: 'interrupted', cause: 'timeLimit', message: 'Slurm stopped job 12 on node n3 at its time limit (timeLimit 30)' });
    expect(verdict('PREEMPTED', { exit: { code: 3, signal: 'SIGTERM' } })).toEqual({ status: 'interrupted', cause: 'preemption', message: 'Slurm preempted job 12 on node n3: a job of higher priority needed its resources' });
    expect(verdict('NODE_FAIL', { reason: 'NodeDown' })).toEqual({ status: 'interrupted', cause: 'nodeFailure', message: 'Slurm lost job 12: its node n3 failed or was taken down (NodeDown)' });
    expect(verdict('BOOT_FAIL')).toMatchObject({ status: 'interrupted', cause: 'nodeFailure', message: 'Slurm could not boot the node of job 12 on node n3' });
    expect(verdict('DEADLINE')).toMatchObject({ status: 'interrupted', cause: null });
    expect(verdict('CANCELLED')).toEqual({ status: 'interrupted', cause: null, message: 'Slurm job 12 on node n3 was cancelled or killed outside Imitation Lab (scancel)' });
  });

  it('names running out of memory, from the state or from what Slurm wrote to the output, as a failure', () => {
    expect(verdict('OUT_OF_MEMORY')).toEqual({ status: 'failed', message: 'Slurm killed job 12 on node n3: out of memory (the run needed more than memory 2G; raise executor.memory)' });
    // jobacct_gather's OverMemoryKill (no cgroups): the job ends FAILED or CANCELLED, the output says why.
    const output = 'slurmstepd-n3: error: StepId=12.batch exceeded memory limit (75837440 > 67108864), being killed\nslurmstepd-n3: error: *** JOB 12 ON n3 CANCELLED AT 2026-12-02T00:33:39 ***';
    for (const state of ['FAILED', 'CANCELLED']) {
      const v = verdict(state, { reason: 'JobLaunchFailure', output });
      expect(v.status).toBe('failed');
      expect(v.message).toBe(`Slurm killed job 12 on node n3: out of memory (the run needed more than memory 2G; raise executor.memory); its output ends:\n${output}`);
    }
    // cgroup's words.
    expect(verdict('FAILED', { output: 'Detected 1 oom-kill event(s) in StepId=12.batch.' }).message).toMatch(/^Slurm killed job 12 on node n3: out of memory/);
    // A run that wrote its exit record was not killed for memory, whatever its output says.
    expect(verdict('FAILED', { output: 'out of memory', exit: { code: 3, signal: 'SIGTERM' } })).toMatchObject({ status: 'interrupted' });
  });

  it('falls back to the exit record and the output when Slurm no longer knows the job', () => {
    expect(verdict(null, { exit: { code: 3, signal: 'SIGTERM' } })).toEqual({ status: 'interrupted', cause: null, message: 'Slurm stopped job 12 (SIGTERM)' });
    expect(verdict(null)).toEqual({ status: 'failed', message: 'Slurm no longer knows job 12 and the run left no exit record in /runs/1/slurm/x.events.jsonl (is the data folder shared with the nodes?)' });
    expect(verdict('FAILED', { reason: 'NonZeroExitCode', output: 'Error: boom' }).message).toBe('Slurm job 12 ended FAILED (NonZeroExitCode) on node n3; its output ends:\nError: boom');
  });
});

/**
 * Fake Slurm commands: sbatch hands out ids 100, 101, …, records its
 * arguments and lists the new job as PENDING (as squeue does at once); squeue
 * and sacct print what the test wrote.
 */
function fakeSlurm(sacct = 'echo "Slurm accounting storage is disabled" >&2; exit 1') {
  const dir = tempDir('fake-slurm');
  const scripts: Record<string, string> = {
    sbatch: `d=$(dirname "$0"); n=$(cat "$d/next" 2>/dev/null || echo 100); echo $((n + 1)) > "$d/next"; printf '%s\\n' "$@" > "$d/sbatch-$n"; echo "$n|PENDING|Priority|" >> "$d/queue"; echo $n`,
    squeue: `cat "$(dirname "$0")/queue" 2>/dev/null; true`,
    sacct,
    scancel: `echo "$@" >> "$(dirname "$0")/scancel"`,
  };
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return {
    cli: new SlurmCli({ binDir: dir, timeoutMs: 5000 }),
    /** squeue's answer: one "id|STATE|reason|node" line per job (replaced whole, so squeue never reads it half written). */
    queue: (...lines: string[]) => {
      writeFileSync(join(dir, 'queue.new'), lines.map((l) => `${l}\n`).join(''));
      renameSync(join(dir, 'queue.new'), join(dir, 'queue'));
    },
    sbatchArgs: (id: number) => readFileSync(join(dir, `sbatch-${id}`), 'utf8').trim().split('\n'),
  };
}

function harness(executorSetting: unknown, slurm = fakeSlurm()) {
  const root = tempDir('slurm-exec');
  const runDir = join(root, 'runs', '1');
  mkdirSync(runDir, { recursive: true });
  const executor = new SlurmExecutor({
    home: { root, runsDir: join(root, 'runs'), dbPath: join(root, 'imlab.db'), lockPath: join(root, 'lock') },
    exportDataset: () => undefined,
    cli: slurm.cli,
    pollMs: 30,
    maxPollMs: 60,
    tailMs: 20,
    command: ['node', 'job.js'],
  });
  const messages: ChildMessage[] = [];
  let exit: { code: number | null; signal: string | null } | null = null;
  let resumePointCalls = 0;
  const callbacks = {
    onMessage: (m: ChildMessage) => messages.push(m),
    onExit: (code: number | null, signal: string | null) => (exit = { code, signal }),
    resumePoint: () => {
      resumePointCalls++;
      return 5;
    },
  };
  const message: StartMessage = { type: 'start', config: { kind: 'expert' }, dir: runDir, dbPath: join(root, 'imlab.db'), resumeAtMost: 0, runId: 1, executor: executorSetting as StartMessage['executor'] };
  const placements = () => messages.flatMap((m) => (m.type === 'placement' ? [m.placement] : []));
  const placementOf = async (jobId: string) => waitFor(() => placements().find((p) => p.jobId === jobId), 10_000, `job ${jobId} to be submitted`);
  const events = (p: StoredPlacement) => (p.attach as { events: string }).events;
  const write = (p: StoredPlacement, ...ls: JobLine[]) => appendFileSync(events(p), ls.map((l) => `${JSON.stringify(l)}\n`).join(''));
  const metrics = (iteration: number): JobLine => ({ type: 'event', event: { type: 'metrics', iteration, envSteps: iteration * 1024, values: { loss: iteration } } });
  return { executor, slurm, messages, message, callbacks, placements, placementOf, write, metrics, exit: () => exit, resumePointCalls: () => resumePointCalls };
}

describe('SlurmExecutor against fake Slurm commands', () => {
  it('asks for a CPU per thread of a run that computes on several (an ARS expert\'s workers)', async () => {
    const h = harness(setting);
    h.executor.start({ ...h.message, config: { kind: 'expert', algorithm: 'ars', ars: { workers: 4 } } }, h.callbacks);
    await h.placementOf('100');
    expect(h.slurm.sbatchArgs(100)).toContain('--cpus-per-task=4');
    expect(h.slurm.sbatchArgs(100)).not.toContain('--cpus-per-task=1');
    h.executor.dispose?.();
    const plain = harness(setting);
    plain.executor.start(plain.message, plain.callbacks);
    await plain.placementOf('100');
    expect(plain.slurm.sbatchArgs(100)).toContain('--cpus-per-task=1');
    plain.executor.dispose?.();
  });

  it('submits a run Slurm stopped again, from the stored resume point, until the cause has used its resubmissions', async () => {
    const h = harness({ ...setting, resubmit: { preemption: 1, nodeFailure: 1, timeLimit: 0 } });
    h.executor.start(h.message, h.callbacks);
    const first = await h.placementOf('100');
    expect(h.slurm.sbatchArgs(100)).toEqual(expect.arrayContaining(['--job-name=imlab-run-1', '--no-requeue', '--time=30', '--mem=2G']));
    // --no-requeue comes before the user's options, so a --requeue of theirs wins.
    expect(h.slurm.sbatchArgs(100).indexOf('--no-requeue')).toBeLessThan(h.slurm.sbatchArgs(100).indexOf('--time=30'));
    h.slurm.queue('100|RUNNING|None|n1');
    h.write(first, { type: 'event', event: { type: 'started', kind: 'expert', env: 'E', backend: 'wasm', resumedFrom: null } }, h.metrics(1), h.metrics(2));
    await waitFor(() => h.placements().some((p) => p.state === 'RUNNING'), 10_000, 'RUNNING');
    h.write(first, { type: 'interrupted', iteration: 2 }, { type: 'exit', code: 3, signal: 'SIGTERM' });
    h.slurm.queue('100|NODE_FAIL|NodeDown|n1');

    const second = await h.placementOf('101');
    expect(h.resumePointCalls()).toBe(1);
    const start = JSON.parse(readFileSync(h.slurm.sbatchArgs(101).at(-2)!, 'utf8')) as StartMessage;
    expect(start.resumeAtMost).toBe(5);
    expect((second.attach as { events: string }).events).not.toBe((first.attach as { events: string }).events);
    expect(second.resubmitted).toEqual([{ jobId: '100', state: 'NODE_FAIL', reason: 'Slurm lost job 100: its node n1 failed or was taken down (NodeDown)' }]);
    expect(h.messages).toContainEqual({
      type: 'event',
      event: { type: 'log', level: 'warn', message: 'Slurm lost job 100: its node n1 failed or was taken down (NodeDown); submitting the run again (automatic resubmission 1 of 1 after a node failure, executor.resubmit.nodeFailure)' },
    });
    expect(h.exit()).toBeNull();

    // The second node failure is one too many: the run stops, saying why it was not submitted again.
    h.slurm.queue('100|NODE_FAIL|NodeDown|n1', '101|NODE_FAIL|NodeDown|n2');
    await waitFor(() => h.exit(), 10_000, 'the run to stop');
    expect(h.exit()).toEqual({ code: 3, signal: null });
    expect(h.messages.at(-1)).toEqual({
      type: 'interrupted',
      iteration: -1,
      reason: 'Slurm lost job 101: its node n2 failed or was taken down (NodeDown); not submitted again: its 1 automatic resubmission after a node failure is used (executor.resubmit.nodeFailure)',
    });
  });

  it('keeps counting across a coordinator restart (reattach), and resubmits for a time limit only when asked to', async () => {
    const h = harness({ ...setting, resubmit: { preemption: 2, nodeFailure: 2, timeLimit: 1 } });
    const placement: StoredPlacement = {
      kind: 'slurm',
      jobId: '90',
      state: 'RUNNING',
      node: 'n1',
      resubmitted: [{ jobId: '80', state: 'PREEMPTED', reason: 'Slurm preempted job 80' }],
      attach: { events: join(h.message.dir, 'slurm', 'old.events.jsonl'), out: join(h.message.dir, 'slurm', 'old.out'), resubmits: { preemption: 1, nodeFailure: 0, timeLimit: 0 } },
    };
    h.slurm.queue('90|TIMEOUT|TimeLimit|n1');
    h.executor.reattach(h.message, placement, h.callbacks);
    const next = await h.placementOf('100');
    expect(next.resubmitted!.map((r) => r.jobId)).toEqual(['80', '90']);
    expect(next.attach).toMatchObject({ resubmits: { preemption: 1, nodeFailure: 0, timeLimit: 1 } });
    h.slurm.queue('90|TIMEOUT|TimeLimit|n1', '100|PREEMPTED|None|n1');
    await waitFor(() => h.placements().some((p) => p.jobId === '101'), 10_000, 'the second resubmission (preemption 2 of 2)');
    h.slurm.queue('90|TIMEOUT|TimeLimit|n1', '100|PREEMPTED|None|n1', '101|TIMEOUT|TimeLimit|n1');
    await waitFor(() => h.exit(), 10_000, 'the run to stop');
    expect(h.messages.at(-1)).toMatchObject({ type: 'interrupted', reason: expect.stringMatching(/^Slurm stopped job 101 on node n1 at its time limit \(timeLimit 30\); not submitted again: its 1 automatic resubmission after the time limit/) });
  });

  it('does not resubmit with the default time-limit setting, nor a run the user stopped', async () => {
    const h = harness(setting);
    h.executor.start(h.message, h.callbacks);
    await h.placementOf('100');
    h.slurm.queue('100|TIMEOUT|TimeLimit|n1');
    await waitFor(() => h.exit(), 10_000, 'the run to stop');
    expect(h.messages.at(-1)).toEqual({ type: 'interrupted', iteration: -1, reason: 'Slurm stopped job 100 on node n1 at its time limit (timeLimit 30)' });

    const u = harness(setting);
    const handle = u.executor.start(u.message, u.callbacks);
    await u.placementOf('100');
    u.slurm.queue('100|RUNNING|None|n1');
    handle.stop();
    u.slurm.queue('100|PREEMPTED|None|n1');
    await waitFor(() => u.exit(), 10_000, 'the stopped run to end');
    expect(u.placements().map((p) => p.jobId)).not.toContain('101');
  });

  it('asks sacct about jobs squeue has forgotten, and does without it where there is no accounting', async () => {
    const withAccounting = harness(setting, fakeSlurm(`echo '100|NODE_FAIL|n4'`));
    withAccounting.executor.start(withAccounting.message, withAccounting.callbacks);
    await withAccounting.placementOf('100');
    withAccounting.slurm.queue();
    await waitFor(() => withAccounting.placements().some((p) => p.jobId === '101'), 10_000, 'a resubmission after the node failure sacct reported');
    expect(withAccounting.placements().find((p) => p.jobId === '101')!.resubmitted![0]).toMatchObject({ jobId: '100', state: 'NODE_FAIL', reason: 'Slurm lost job 100: its node n4 failed or was taken down' });

    const without = harness(setting);
    without.executor.start(without.message, without.callbacks);
    const p = await without.placementOf('100');
    without.write(p, { type: 'event', event: { type: 'done', summary: { done: true } as never } }, { type: 'exit', code: 0, signal: null });
    await waitFor(() => without.exit(), 10_000, 'the run to end');
    expect(without.exit()).toEqual({ code: 0, signal: null });
  });

  it('keeps the node a job ran on when squeue lists it finished without one, and names it in the verdict', async () => {
    const h = harness(setting);
    h.executor.start(h.message, h.callbacks);
    await h.placementOf('100');
    h.slurm.queue('100|RUNNING|None|n7');
    await waitFor(() => h.placements().some((x) => x.state === 'RUNNING'), 10_000, 'RUNNING');
    h.slurm.queue('100|TIMEOUT|TimeLimit|');
    await waitFor(() => h.exit(), 10_000, 'the run to end');
    expect(h.placements().at(-1)).toMatchObject({ state: 'TIMEOUT', node: 'n7' });
    expect(h.messages).toContainEqual({ type: 'interrupted', iteration: -1, reason: 'Slurm stopped job 100 on node n7 at its time limit (timeLimit 30)' });
  });

  it('treats an exit record followed by a requeue (Slurm restarting the job in place) as not final', async () => {
    const h = harness({ ...setting, extraArgs: ['--requeue'] });
    h.executor.start(h.message, h.callbacks);
    const p = await h.placementOf('100');
    const args = h.slurm.sbatchArgs(100);
    expect(args.indexOf('--requeue')).toBeGreaterThan(args.indexOf('--no-requeue'));
    h.slurm.queue('100|RUNNING|None|n1');
    await waitFor(() => h.placements().some((x) => x.state === 'RUNNING'), 10_000, 'RUNNING');
    h.write(p, { type: 'interrupted', iteration: 2 }, { type: 'exit', code: 3, signal: 'SIGTERM' });
    h.slurm.queue('100|PENDING|BeginTime|');
    await waitFor(() => h.placements().some((x) => x.state === 'PENDING' && x.reason === 'BeginTime'), 10_000, 'PENDING (BeginTime)');
    expect(h.exit()).toBeNull();
    // The new start is killed for memory before it writes anything: the earlier start's exit 3 must not make it "interrupted".
    h.slurm.queue('100|RUNNING|None|n1');
    await waitFor(() => h.placements().filter((x) => x.state === 'RUNNING').length >= 2, 10_000, 'RUNNING again');
    writeFileSync((p.attach as { out: string }).out, 'slurmstepd: error: Exceeded job memory limit\n');
    h.slurm.queue('100|FAILED|JobLaunchFailure|n1');
    await waitFor(() => h.exit(), 10_000, 'the run to end');
    expect(h.exit()).toEqual({ code: 1, signal: null });
    expect(h.messages.at(-1)).toMatchObject({ type: 'failed', message: expect.stringMatching(/^Slurm killed job 100 on node n1: out of memory/) });
  });
});
