/**
 * Runs as Slurm batch jobs. Each run is submitted with sbatch when the queue
 * launches it; on its node it runs jobProcess, which appends its reports to an
 * events file in the run folder (on a filesystem the nodes share). This side
 * tails those files and asks squeue about all its jobs in one call per
 * interval, backing off while nothing changes. Metric rows, evaluations and
 * checkpoints are keyed by (run, iteration), so reading an events file again
 * from the start (after a coordinator restart) stores nothing twice.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ImlabError } from '../../../../shared/errors';
import type { ExecutorSetting, SlurmExecutorSetting } from '../../../../shared/executors';
import type { DataHome } from '../../home';
import type { JobLine } from '../../runs/jobProcess';
import type { StartMessage } from '../../runs/processProtocol';
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
  /** The command a node runs a job with (default: this Node binary on the jobProcess source, through tsx). */
  command?: string[];
}

const attachSchema = z.object({ events: z.string(), out: z.string() });
const JOB_SCRIPT = '#!/bin/sh\n# Imitation Lab: the run process command comes as arguments.\nexec "$@"\n';

interface Job {
  runId: number;
  setting: SlurmExecutorSetting;
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
    const setting = message.executor as SlurmExecutorSetting;
    const dir = join(message.dir, 'slurm');
    mkdirSync(dir, { recursive: true });
    const token = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const job: Job = {
      runId: message.runId ?? 0,
      setting,
      jobId: null,
      eventsFile: join(dir, `${token}.events.jsonl`),
      outFile: join(dir, `${token}.out`),
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
    void this.submit(job, message, join(dir, `${token}.start.json`));
    return this.handle(job);
  }

  reattach(message: StartMessage, placement: StoredPlacement, cb: RunCallbacks): RunHandle | null {
    const attach = attachSchema.safeParse(placement.attach);
    if (placement.kind !== 'slurm' || !placement.jobId || !attach.success || message.executor?.kind !== 'slurm') return null;
    const job: Job = {
      runId: message.runId ?? 0,
      setting: message.executor,
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

  private async submit(job: Job, message: StartMessage, startFile: string): Promise<void> {
    try {
      const config = this.exportDatasetRef(message.config, job.eventsFile.replace(/\.events\.jsonl$/, ''));
      writeFileSync(startFile, JSON.stringify({ ...message, config }));
      this.writeJobScript();
      const args = [
        `--job-name=imlab-run-${job.runId}`,
        `--output=${job.outFile}`,
        `--chdir=${message.dir}`,
        ...this.resourceArgs(job.setting),
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
    const m = typeof c.dataset === 'string' ? /^dataset:(\d+)$/.exec(c.dataset) : null;
    if (!m) return config;
    const file = `${prefix}.dataset-${m[1]}.json`;
    this.o.exportDataset(Number(m[1]), file);
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
      placement: { kind: 'slurm', jobId: s.jobId, state: s.state, reason: s.reason, node: s.node, attach: { events: job.eventsFile, out: job.outFile } },
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
      } else job.cb.onMessage(m);
    }
    job.partial = Buffer.from(data);
    // The run's own record is final when it succeeded or failed; an interrupted run waits for Slurm to say why.
    if (job.exit && (job.exit.code === 0 || job.exit.code === 1)) {
      // What Slurm will report once it notices; the job is not watched after this.
      if (job.slurm) job.slurm = { ...job.slurm, state: job.exit.code === 0 ? 'COMPLETED' : 'FAILED', reason: null };
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
    for (const job of this.jobs) {
      if (!job.jobId) continue;
      const s = byId.get(job.jobId);
      if (!s) {
        // Slurm forgets finished jobs after MinJobAge; the events file still says how the run ended.
        if (++job.unseenPolls >= 2) {
          this.tail(job);
          this.ended(job, null);
          changed = true;
        }
        continue;
      }
      job.unseenPolls = 0;
      const before = job.slurm;
      if (!before || before.state !== s.state || before.reason !== s.reason || before.node !== s.node) {
        job.slurm = s;
        this.emitPlacement(job);
        changed = true;
      }
      if (ENDED_STATES.has(s.state)) {
        this.tail(job);
        this.ended(job, s);
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
    const where = s?.node ? ` on node ${s.node}` : '';
    const exit = job.exit;
    if (exit && (exit.code === 0 || exit.code === 1)) return this.finish(job, exit.code);
    if (job.requested) return this.finish(job, exit?.code ?? null, exit ? null : 'SIGKILL');
    const state = s?.state ?? null;
    const reason = s?.reason ? ` (${s.reason})` : '';
    if (state === 'TIMEOUT') return this.interrupt(job, `Slurm stopped job ${id}${where} at its time limit (timeLimit ${job.setting.timeLimit})`);
    if (state === 'PREEMPTED' || state === 'NODE_FAIL' || state === 'BOOT_FAIL' || state === 'REVOKED' || state === 'DEADLINE') {
      return this.interrupt(job, `Slurm ended job ${id}${where}: ${state}${reason}`);
    }
    if (state === 'CANCELLED') return this.interrupt(job, `Slurm job ${id}${where} was cancelled or killed outside Imitation Lab (scancel)${reason}`);
    if (exit?.code === 3) return this.interrupt(job, `Slurm stopped job ${id}${where} (${exit.signal ?? 'signal'})`);
    const output = lastLines(job.outFile);
    const how =
      state === 'OUT_OF_MEMORY'
        ? `Slurm killed job ${id}${where}: out of memory (memory ${job.setting.memory ?? "the partition's default"})`
        : state
          ? `Slurm job ${id} ended ${state}${reason}${where}`
          : `Slurm no longer knows job ${id} and the run left no exit record in ${job.eventsFile} (is the data folder shared with the nodes?)`;
    job.cb.onMessage({ type: 'failed', message: output ? `${how}; its output ends:\n${output}` : how });
    this.finish(job, 1);
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

/** The command a node runs: this Node binary on the job entry, from source through tsx. */
function defaultJobCommand(): string[] {
  const entry = fileURLToPath(new URL('../../runs/jobProcess.ts', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return [process.execPath, ...RUN_PROCESS_V8_FLAGS, '--import', tsx, entry];
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
