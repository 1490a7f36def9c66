/**
 * Runs as Slurm batch jobs. Each run is submitted with sbatch when the queue
 * launches it; on its node it runs jobProcess, which appends its reports to an
 * events file in the run folder (on a filesystem the nodes share). This side
 * tails those files and asks squeue about all its jobs in one call per
 * interval, backing off while nothing changes. Metric rows, evaluations and
 * checkpoints are keyed by (run, iteration), so reading an events file again
 * from the start (after a coordinator restart) stores nothing twice.
 *
 * Jobs are submitted with --no-requeue: when Slurm stops a job (preemption,
 * node failure, time limit) this side decides, per the setting's resubmit
 * counts, whether to submit the run again as a new job that continues from
 * its last checkpoint, so every restart is counted and shown. (A --requeue in
 * extraArgs lets Slurm restart the job in place instead; jobProcess then
 * continues from the checkpoint its own events file vouches for.)
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ImlabError } from '../../../../shared/errors';
import { slurmExecutorSchema, type ExecutorSetting, type RunPlacement, type SlurmExecutorSetting } from '../../../../shared/executors';
import { parseRef } from '../../../../shared/refs';
import { runThreads, type RunConfig } from '../../../../shared/runConfigs';
import type { DataHome } from '../../home';
import { newestMtime } from '../../newestMtime';
import type { JobLine } from '../../runs/jobProcess';
import { EXIT, type StartMessage } from '../../runs/processProtocol';
import type { StoredPlacement } from '../../store/store';
import { RUN_PROCESS_V8_FLAGS, type RunCallbacks, type RunExecutor, type RunHandle } from '../executor';
import { ENDED_STATES, SlurmCli, SlurmCommandError, type SlurmJobState } from './slurmCli';

export interface SlurmExecutorOptions {
  home: DataHome;
  /** Writes dataset <id> to a file a job can read (jobs never open the database). */
  exportDataset(id: number, file: string): void;
  cli?: SlurmCli;
  /** Shortest and longest time between two squeue calls. */
  pollMs?: number;
  maxPollMs?: number;
  /** How often events files are read. */
  tailMs?: number;
  /** How long the data-folder probe job may take, queueing included. */
  probeTimeoutMs?: number;
  /** The command a node runs a job with (default: defaultJobCommand). */
  command?: string[];
}

type Resubmits = SlurmExecutorSetting['resubmit'];
type StopCause = keyof Resubmits;
const CAUSE_WORDS: Record<StopCause, string> = { preemption: 'preemption', nodeFailure: 'a node failure', timeLimit: 'the time limit' };
const countsSchema = z.object({ preemption: z.int(), nodeFailure: z.int(), timeLimit: z.int() });
const attachSchema = z.object({ events: z.string(), out: z.string(), resubmits: countsSchema.optional() });
/** Slurm's states of a job that will run again (Slurm requeued it): an exit record before them is from an earlier start. */
const REQUEUED_STATES = new Set(['PENDING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED']);
/** What Slurm (cgroup or jobacct_gather) writes to a job's output when it kills it for memory. */
const OOM_OUTPUT = /exceeded (job |step )?memory limit|oom-kill|out of memory/i;
const JOB_SCRIPT = '#!/bin/sh\n# Imitation Lab: the run process command comes as arguments.\nexec "$@"\n';

interface Job {
  runId: number;
  /** What the run was started with (a resubmission sends it again with a newer resumeAtMost). */
  message: StartMessage;
  setting: SlurmExecutorSetting;
  /** Automatic resubmissions used, per cause, and the jobs they replaced. */
  resubmits: Resubmits;
  resubmitted: NonNullable<RunPlacement['resubmitted']>;
  /** The newest iteration whose metrics were passed on (resume point when the queue cannot say). */
  lastMetric: number;
  jobId: string | null;
  eventsFile: string;
  outFile: string;
  offset: number;
  partial: Buffer;
  slurm: SlurmJobState | null;
  cb: RunCallbacks;
  exit: { code: number; signal: string | null } | null;
  requested: 'stop' | 'kill' | null;
  unseenPolls: number;
  done: boolean;
}

export class SlurmExecutor implements RunExecutor {
  private readonly cli: SlurmCli;
  private readonly jobs = new Set<Job>();
  private readonly jobScript: string;
  private readonly command: string[];
  private readonly probed = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private interval: number;
  private nextPoll = 0;
  private polling = false;

  constructor(private readonly o: SlurmExecutorOptions) {
    this.cli = o.cli ?? new SlurmCli();
    this.interval = o.pollMs ?? 1000;
    this.jobScript = join(o.home.root, 'slurm-job.sh');
    this.command = o.command ?? defaultJobCommand();
  }

  start(message: StartMessage, cb: RunCallbacks): RunHandle {
    const job: Job = {
      runId: message.runId ?? 0,
      message,
      // Parsed again: a setting stored by an older version lacks newer fields (their defaults apply).
      setting: slurmExecutorSchema.parse(message.executor),
      resubmits: { preemption: 0, nodeFailure: 0, timeLimit: 0 },
      resubmitted: [],
      lastMetric: message.resumeAtMost,
      jobId: null,
      eventsFile: '',
      outFile: '',
      offset: 0,
      partial: Buffer.alloc(0),
      slurm: null,
      cb,
      exit: null,
      requested: null,
      unseenPolls: 0,
      done: false,
    };
    this.jobs.add(job);
    void this.submit(job, message);
    return this.handle(job);
  }

  reattach(message: StartMessage, placement: StoredPlacement, cb: RunCallbacks): RunHandle | null {
    const attach = attachSchema.safeParse(placement.attach);
    if (placement.kind !== 'slurm' || !placement.jobId || !attach.success || message.executor?.kind !== 'slurm') return null;
    const job: Job = {
      runId: message.runId ?? 0,
      message,
      setting: slurmExecutorSchema.parse(message.executor),
      resubmits: attach.data.resubmits ?? { preemption: 0, nodeFailure: 0, timeLimit: 0 },
      resubmitted: placement.resubmitted ?? [],
      lastMetric: message.resumeAtMost,
      jobId: placement.jobId,
      eventsFile: attach.data.events,
      outFile: attach.data.out,
      offset: 0,
      partial: Buffer.alloc(0),
      slurm: { jobId: placement.jobId, state: placement.state ?? 'PENDING', reason: placement.reason ?? null, node: placement.node ?? null },
      cb,
      exit: null,
      requested: null,
      unseenPolls: 0,
      done: false,
    };
    this.jobs.add(job);
    this.nextPoll = 0;
    this.wake();
    return this.handle(job);
  }

  slots(setting: ExecutorSetting): number | null {
    return setting.kind === 'slurm' ? setting.maxJobs : null;
  }

  /** Before runs are queued: Slurm accepts the options, and a job on the cluster sees the data folder. */
  async check(setting: ExecutorSetting): Promise<void> {
    if (setting.kind !== 'slurm') return;
    this.writeJobScript();
    try {
      await this.cli.sbatchTestOnly([...this.resourceArgs(setting), '--output=/dev/null', this.jobScript, 'true']);
    } catch (e) {
      throw settingError(e);
    }
    const key = JSON.stringify([setting.partition, setting.account, setting.extraArgs]);
    if (this.probed.has(key)) return;
    const probe = join(this.o.home.runsDir, `.probe-${process.pid}-${Date.now().toString(36)}`);
    writeFileSync(probe, 'imitation-lab data folder probe\n');
    const timeout = this.o.probeTimeoutMs ?? 120_000;
    let code: number;
    try {
      const args = [...this.resourceArgs({ ...setting, timeLimit: '1', memory: undefined, cpusPerTask: 1 }), '--job-name=imlab-probe', '--output=/dev/null', '--chdir=/'];
      code = await this.cli.sbatchWait([...args, this.jobScript, 'test', '-f', probe], timeout);
    } catch (e) {
      throw settingError(e, `the probe job that checks the data folder did not finish within ${Math.round(timeout / 1000)} s (is the cluster busy?)`);
    } finally {
      rmQuiet(probe);
    }
    if (code !== 0) {
      throw new ImlabError(
        'invalid_input',
        `executor: the data folder ${this.o.home.root} is not visible on the Slurm nodes: a probe job${setting.partition ? ` on partition ${setting.partition}` : ''} could not read ${probe}. ` +
          'Put the data folder on a filesystem the nodes share (NFS, Lustre, BeeGFS, …) and start the app with --home or IMLAB_HOME pointing at it.',
        'executor',
      );
    }
    this.probed.add(key);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.jobs.clear();
  }

  // ---- one job -----------------------------------------------------------------

  private handle(job: Job): RunHandle {
    return {
      pid: -1,
      stop: () => this.signal(job, 'stop'),
      kill: () => this.signal(job, 'kill'),
      detach: () => {
        job.done = true;
        this.jobs.delete(job);
      },
    };
  }

  /** Submits the run as a new job, with files of its own in the run folder's slurm/. */
  private async submit(job: Job, message: StartMessage): Promise<void> {
    const dir = join(message.dir, 'slurm');
    const token = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const startFile = join(dir, `${token}.start.json`);
    Object.assign(job, { jobId: null, eventsFile: join(dir, `${token}.events.jsonl`), outFile: join(dir, `${token}.out`), offset: 0, partial: Buffer.alloc(0), slurm: null, exit: null, unseenPolls: 0 });
    try {
      mkdirSync(dir, { recursive: true });
      const config = this.exportDatasetRef(message.config, job.eventsFile.replace(/\.events\.jsonl$/, ''));
      writeFileSync(startFile, JSON.stringify({ ...message, config }));
      this.writeJobScript();
      const args = [
        `--job-name=imlab-run-${job.runId}`,
        `--output=${job.outFile}`,
        `--chdir=${message.dir}`,
        // This side resubmits (counted, from a stored checkpoint); before extraArgs, so a --requeue there wins.
        '--no-requeue',
        // A run on several threads (an ARS expert's workers) gets a CPU for each.
        ...this.resourceArgs({ ...job.setting, cpusPerTask: Math.max(job.setting.cpusPerTask, runThreads(message.config as RunConfig)) }),
        this.jobScript,
        ...this.command,
        startFile,
        job.eventsFile,
      ];
      job.jobId = await this.cli.sbatch(args);
      // Detached while sbatch ran (the coordinator is closing): no one would record this job, so it must not run.
      if (job.done) {
        await this.cli.scancel(job.jobId).catch(() => undefined);
        return;
      }
    } catch (e) {
      if (job.done) return;
      const previous = job.resubmitted.at(-1);
      // A run Slurm stopped that could not be submitted again is where it was: interrupted, resumable.
      if (previous) return this.interrupt(job, `${previous.reason}; submitting it again failed: ${settingError(e).message}`);
      job.cb.onMessage({ type: 'failed', message: settingError(e).message });
      this.finish(job, 1);
      return;
    }
    job.slurm = { jobId: job.jobId, state: 'PENDING', reason: null, node: null };
    this.emitPlacement(job);
    if (job.requested) this.signal(job, job.requested);
    this.interval = this.o.pollMs ?? 1000;
    this.nextPoll = Date.now() + this.interval;
    this.wake();
  }

  private signal(job: Job, how: 'stop' | 'kill'): void {
    job.requested = how === 'kill' || job.requested === 'kill' ? 'kill' : 'stop';
    if (!job.jobId || job.done) return;
    const id = job.jobId;
    const pending = job.slurm?.state === 'PENDING';
    // Graceful: SIGTERM to the run process, which checkpoints and exits; a job that has not started is simply cancelled.
    const calls = how === 'stop' && !pending ? [() => this.cli.scancel(id, { signal: 'TERM' })] : [() => this.cli.scancel(id, { signal: 'KILL' }), () => this.cli.scancel(id)];
    void (async () => {
      for (const call of calls) await call().catch(() => undefined);
      this.nextPoll = 0;
      this.wake();
    })();
  }

  private exportDatasetRef(config: unknown, prefix: string): unknown {
    const c = config as Record<string, unknown>;
    const ref = parseRef(c.dataset);
    if (ref?.kind !== 'dataset') return config;
    const file = `${prefix}.dataset-${ref.id}.json`;
    this.o.exportDataset(ref.id, file);
    return { ...c, dataset: file };
  }

  private resourceArgs(s: SlurmExecutorSetting): string[] {
    return [
      ...(s.partition ? [`--partition=${s.partition}`] : []),
      ...(s.account ? [`--account=${s.account}`] : []),
      `--time=${s.timeLimit}`,
      `--cpus-per-task=${s.cpusPerTask}`,
      ...(s.memory ? [`--mem=${s.memory}`] : []),
      ...s.extraArgs,
    ];
  }

  private writeJobScript(): void {
    if (!existsSync(this.jobScript) || readFileSync(this.jobScript, 'utf8') !== JOB_SCRIPT) writeFileSync(this.jobScript, JOB_SCRIPT, { mode: 0o755 });
  }

  private emitPlacement(job: Job): void {
    const s = job.slurm!;
    job.cb.onMessage({
      type: 'placement',
      placement: {
        kind: 'slurm',
        jobId: s.jobId,
        state: s.state,
        reason: s.reason,
        node: s.node,
        ...(job.resubmitted.length ? { resubmitted: job.resubmitted } : {}),
        attach: { events: job.eventsFile, out: job.outFile, resubmits: job.resubmits },
      },
    });
  }

  /** Reads what the job appended since last time; whole lines only. */
  private tail(job: Job): void {
    if (!existsSync(job.eventsFile)) return;
    const fd = openSync(job.eventsFile, 'r');
    let chunk: Buffer;
    try {
      const size = fstatSync(fd).size;
      if (size <= job.offset) return;
      chunk = Buffer.alloc(size - job.offset);
      const n = readSync(fd, chunk, 0, chunk.length, job.offset);
      chunk = chunk.subarray(0, n);
      job.offset += n;
    } finally {
      closeSync(fd);
    }
    let data = job.partial.length ? Buffer.concat([job.partial, chunk]) : chunk;
    let nl: number;
    while ((nl = data.indexOf(10)) >= 0) {
      const line = data.subarray(0, nl).toString('utf8');
      data = data.subarray(nl + 1);
      if (!line.trim()) continue;
      const m = JSON.parse(line) as JobLine;
      if (m.type === 'exit') {
        job.exit = { code: m.code, signal: m.signal };
        this.nextPoll = 0;
      } else {
        // Slurm started the job again (--requeue): what the earlier start's exit record said no longer holds.
        if (m.type === 'event' && m.event.type === 'started') job.exit = null;
        if (m.type === 'event' && m.event.type === 'metrics') job.lastMetric = Math.max(job.lastMetric, m.event.iteration);
        job.cb.onMessage(m);
      }
    }
    job.partial = Buffer.from(data);
    // The run's own record is final when it succeeded or failed; an interrupted run waits for Slurm to say why.
    if (job.exit && (job.exit.code === EXIT.succeeded || job.exit.code === EXIT.failed)) {
      // What Slurm will report once it notices; the job is not watched after this.
      if (job.slurm) job.slurm = { ...job.slurm, state: job.exit.code === EXIT.succeeded ? 'COMPLETED' : 'FAILED', reason: null };
      if (job.slurm) this.emitPlacement(job);
      this.finish(job, job.exit.code);
    }
  }

  private wake(): void {
    if (this.timer || this.jobs.size === 0) return;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, Math.min(this.o.tailMs ?? 500, this.nextPoll - Date.now())));
  }

  private async tick(): Promise<void> {
    this.timer = undefined;
    for (const job of this.jobs) {
      try {
        this.tail(job);
      } catch (e) {
        job.cb.onMessage({ type: 'failed', message: `reading the job's events file ${job.eventsFile} failed: ${(e as Error).message}` });
        this.finish(job, 1);
      }
    }
    try {
      if (Date.now() >= this.nextPoll && !this.polling) await this.poll();
    } finally {
      this.polling = false;
      this.wake();
    }
  }

  private async poll(): Promise<void> {
    this.polling = true;
    const min = this.o.pollMs ?? 1000;
    const max = this.o.maxPollMs ?? 10_000;
    let states: SlurmJobState[];
    try {
      states = await this.cli.squeue();
    } catch {
      // Slurm may be briefly unreachable (slurmctld restarting): try again later, jobs keep running.
      this.interval = Math.min(max, this.interval * 2);
      this.nextPoll = Date.now() + this.interval;
      return;
    }
    const byId = new Map(states.map((s) => [s.jobId, s]));
    let changed = false;
    const forgotten = [...this.jobs].filter((j) => j.jobId && !byId.has(j.jobId) && ++j.unseenPolls >= 2);
    if (forgotten.length) {
      // squeue forgets finished jobs after MinJobAge; Slurm's accounting remembers them where the cluster keeps it.
      const accounted = await this.cli.sacct(forgotten.map((j) => j.jobId!)).catch(() => null);
      const byIdAccounted = new Map((accounted ?? []).map((s) => [s.jobId, s]));
      for (const job of forgotten) {
        const s = byIdAccounted.get(job.jobId!) ?? null;
        if (s && !ENDED_STATES.has(s.state)) continue;
        this.tail(job);
        // Without accounting the events file still says how the run ended.
        this.ended(job, s);
        changed = true;
      }
    }
    for (const job of this.jobs) {
      if (!job.jobId) continue;
      const s = byId.get(job.jobId);
      if (!s) continue;
      job.unseenPolls = 0;
      if (REQUEUED_STATES.has(s.state)) {
        // Everything the earlier start wrote first (it has exited when Slurm requeues), then its exit record no longer holds.
        this.tail(job);
        if (job.done) continue;
        if (job.exit?.code === EXIT.interrupted) job.exit = null;
      }
      const before = job.slurm;
      // A finished job keeps the node it ran on where squeue lists it without one; a requeued, pending job has none.
      const ranOn = ENDED_STATES.has(s.state) || s.state === 'COMPLETING' ? (before?.node ?? null) : null;
      const known = { ...s, node: s.node ?? ranOn };
      if (!before || before.state !== known.state || before.reason !== known.reason || before.node !== known.node) {
        job.slurm = known;
        this.emitPlacement(job);
        changed = true;
      }
      if (ENDED_STATES.has(s.state)) {
        this.tail(job);
        this.ended(job, job.slurm);
      }
    }
    const awaitingSlurm = [...this.jobs].some((j) => j.exit || j.requested);
    this.interval = changed || awaitingSlurm ? min : Math.min(max, Math.round(this.interval * 1.5));
    this.nextPoll = Date.now() + this.interval;
  }

  /** The job is over: turn Slurm's verdict and the run's own exit record into the run's outcome. */
  private ended(job: Job, s: SlurmJobState | null): void {
    if (job.done) return;
    const id = job.jobId!;
    const exit = job.exit;
    if (exit && (exit.code === EXIT.succeeded || exit.code === EXIT.failed)) return this.finish(job, exit.code);
    if (job.requested) return this.finish(job, exit?.code ?? null, exit ? null : 'SIGKILL');
    const verdict = slurmVerdict(id, s, job.setting, lastLines(job.outFile), job.eventsFile, exit);
    if (verdict.status === 'failed') {
      job.cb.onMessage({ type: 'failed', message: verdict.message });
      return this.finish(job, 1);
    }
    const cause = verdict.cause;
    if (!cause) return this.interrupt(job, verdict.message);
    const allowed = job.setting.resubmit[cause];
    if (job.resubmits[cause] < allowed) return this.resubmit(job, cause, s?.state ?? 'UNKNOWN', verdict.message);
    const spent = allowed > 0 ? `; not submitted again: its ${allowed} automatic resubmission${allowed === 1 ? ' after ' + CAUSE_WORDS[cause] + ' is' : 's after ' + CAUSE_WORDS[cause] + ' are'} used (executor.resubmit.${cause})` : '';
    this.interrupt(job, verdict.message + spent);
  }

  /** Slurm stopped the run's job: submit the run again, continuing from the newest checkpoint whose metrics are stored. */
  private resubmit(job: Job, cause: StopCause, state: string, reason: string): void {
    job.resubmits[cause] += 1;
    job.resubmitted.push({ jobId: job.jobId!, state, reason });
    const n = `${job.resubmits[cause]} of ${job.setting.resubmit[cause]}`;
    job.cb.onMessage({ type: 'event', event: { type: 'log', level: 'warn', message: `${reason}; submitting the run again (automatic resubmission ${n} after ${CAUSE_WORDS[cause]}, executor.resubmit.${cause})` } });
    void this.submit(job, { ...job.message, resumeAtMost: job.cb.resumePoint?.() ?? job.lastMetric });
  }

  private interrupt(job: Job, reason: string): void {
    job.cb.onMessage({ type: 'interrupted', iteration: -1, reason });
    this.finish(job, 3);
  }

  private finish(job: Job, code: number | null, signal: NodeJS.Signals | null = null): void {
    if (job.done) return;
    job.done = true;
    this.jobs.delete(job);
    job.cb.onExit(code, signal);
  }
}

/**
 * How Slurm's word on an ended job (null: it no longer knows it) and the
 * run's exit record (null: the run was killed before it could write one)
 * become the run's outcome: failed, or interrupted (resumable), with the
 * cause an automatic resubmission is counted against.
 */
export function slurmVerdict(
  id: string,
  s: SlurmJobState | null,
  setting: Pick<SlurmExecutorSetting, 'timeLimit' | 'memory'>,
  output: string,
  eventsFile: string,
  exit: { code: number; signal: string | null } | null,
): { status: 'failed'; message: string } | { status: 'interrupted'; message: string; cause: StopCause | null } {
  const where = s?.node ? ` on node ${s.node}` : '';
  const state = s?.state ?? null;
  const reason = s?.reason ? ` (${s.reason})` : '';
  const interrupted = (message: string, cause: StopCause | null = null) => ({ status: 'interrupted' as const, message, cause });
  if (state === 'TIMEOUT') return interrupted(`Slurm stopped job ${id}${where} at its time limit (timeLimit ${setting.timeLimit})`, 'timeLimit');
  if (state === 'PREEMPTED') return interrupted(`Slurm preempted job ${id}${where}${reason}: a job of higher priority needed its resources`, 'preemption');
  if (state === 'NODE_FAIL') return interrupted(`Slurm lost job ${id}: its node${s?.node ? ` ${s.node}` : ''} failed or was taken down${reason}`, 'nodeFailure');
  if (state === 'BOOT_FAIL') return interrupted(`Slurm could not boot the node of job ${id}${where}${reason}`, 'nodeFailure');
  if (state === 'DEADLINE') return interrupted(`Slurm ended job ${id}${where} at its deadline${reason}`);
  if (state === 'REVOKED') return interrupted(`Slurm revoked job ${id}${where} (it started on another cluster of a federation)`);
  // Memory before cancellation: a memory kill is written as a cancellation in the job's output.
  const oom = state === 'OUT_OF_MEMORY' || (exit === null && OOM_OUTPUT.test(output));
  const tail = output ? `; its output ends:\n${output}` : '';
  if (oom) {
    const memory = setting.memory ? `memory ${setting.memory}` : "the partition's default memory";
    return { status: 'failed', message: `Slurm killed job ${id}${where}: out of memory (the run needed more than ${memory}; raise executor.memory)${tail}` };
  }
  if (state === 'CANCELLED') return interrupted(`Slurm job ${id}${where} was cancelled or killed outside Imitation Lab (scancel)${reason}`);
  if (exit?.code === EXIT.interrupted) return interrupted(`Slurm stopped job ${id}${where} (${exit.signal ?? 'signal'})`);
  const how = state
    ? `Slurm job ${id} ended ${state}${reason}${where}`
    : `Slurm no longer knows job ${id} and the run left no exit record in ${eventsFile} (is the data folder shared with the nodes?)`;
  return { status: 'failed', message: how + tail };
}

/**
 * The command a node runs: this Node binary on the job entry, the built
 * bundle (out/main/jobProcess.js) when it is newer than every source file
 * (no TypeScript compiler on the node, and a far quicker start), else the
 * source through tsx. The Electron app passes its own (Electron as Node on
 * the bundle beside it).
 */
export function defaultJobCommand(): string[] {
  const bundle = jobCommand('bundle');
  const root = resolve(dirname(bundle.at(-1)!), '../..');
  return existsSync(bundle.at(-1)!) && statSync(bundle.at(-1)!).mtimeMs >= newestMtime(join(root, 'src')) ? bundle : jobCommand('source');
}

/** The job command on the bundle (whether or not it is built) or on the source through tsx. */
export function jobCommand(entry: 'bundle' | 'source'): string[] {
  const source = fileURLToPath(new URL('../../runs/jobProcess.ts', import.meta.url));
  if (entry === 'bundle') return [process.execPath, ...RUN_PROCESS_V8_FLAGS, join(resolve(dirname(source), '../../../..'), 'out', 'main', 'jobProcess.js')];
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return [process.execPath, ...RUN_PROCESS_V8_FLAGS, '--import', tsx, source];
}

/** Slurm's complaint about a setting, as an error naming the setting. */
function settingError(e: unknown, fallback?: string): ImlabError {
  if (e instanceof ImlabError) return e;
  if (e instanceof SlurmCommandError && e.missing) {
    return new ImlabError(
      'invalid_input',
      `executor.kind: "slurm" needs Slurm's ${e.command}, which was not found on PATH. Run the app (or imlab serve / imlab work) on a Slurm login node, or queue with executor local.`,
      'executor.kind',
    );
  }
  const detail = e instanceof SlurmCommandError ? e.detail : (e as Error).message;
  const text = fallback ?? detail;
  const field = /partition/i.test(detail)
    ? 'executor.partition'
    : /account/i.test(detail)
      ? 'executor.account'
      : /time ?limit|--time/i.test(detail)
        ? 'executor.timeLimit'
        : /memory|--mem/i.test(detail)
          ? 'executor.memory'
          : /cpu/i.test(detail)
            ? 'executor.cpusPerTask'
            : 'executor';
  return new ImlabError('invalid_input', `${field}: Slurm does not accept this job: ${text}`, field);
}

function lastLines(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

function rmQuiet(file: string): void {
  rmSync(file, { force: true });
}
