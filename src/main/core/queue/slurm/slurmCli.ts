/**
 * Slurm's command-line tools as typed calls: each runs with an argument array
 * (never a shell string) and a timeout, and its answer is parsed and
 * validated before anyone uses it.
 */
import { execFile } from 'node:child_process';
import { z } from 'zod';

export class SlurmCommandError extends Error {
  /** The command's exit code, when it ran and failed. */
  exitCode?: number;

  constructor(
    readonly command: string,
    /** Slurm's own words (stderr), without the "sbatch: error: " prefixes. */
    readonly detail: string,
    /** The binary is not installed or not on PATH. */
    readonly missing = false,
  ) {
    super(missing ? `${command} was not found on PATH` : `${command} failed: ${detail}`);
  }
}

export interface SlurmJobState {
  jobId: string;
  /** PENDING, RUNNING, COMPLETED, TIMEOUT, … */
  state: string;
  /** Why it is pending or why it ended; null for "None". */
  reason: string | null;
  node: string | null;
}

const jobIdSchema = z.string().regex(/^\d+(_\d+)?$/, 'expected a job id');
/** `sbatch --parsable` prints "jobid" or "jobid;cluster". */
const parsableSchema = z.string().regex(/^\d+(;[\w.-]+)?$/, 'expected "jobid" or "jobid;cluster"');
const SQUEUE_FORMAT = '%i|%T|%r|%N';
const squeueLineSchema = z.tuple([jobIdSchema, z.string().regex(/^[A-Z_]+$/, 'expected a job state'), z.string(), z.string()]);

const sacctLineSchema = z.tuple([jobIdSchema, z.string().regex(/^[A-Z_]+( .*)?$/, 'expected a job state'), z.string()]);

/** Job states after which a job never runs again. */
export const ENDED_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'PREEMPTED', 'OUT_OF_MEMORY', 'BOOT_FAIL', 'DEADLINE', 'REVOKED', 'SPECIAL_EXIT']);

export interface SlurmCliOptions {
  /** Where the Slurm binaries are (default: PATH). */
  binDir?: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export class SlurmCli {
  constructor(private readonly o: SlurmCliOptions = {}) {}

  /** Submits a batch job; returns its id. */
  async sbatch(args: string[], timeoutMs?: number): Promise<string> {
    const out = await this.run('sbatch', ['--parsable', ...args], timeoutMs);
    const line = out.trim().split('\n').pop() ?? '';
    const parsed = parsableSchema.safeParse(line);
    if (!parsed.success) throw new SlurmCommandError('sbatch', `unexpected answer ${JSON.stringify(out.trim())}`);
    return parsed.data.split(';')[0];
  }

  /** Checks that Slurm would accept a job with these options, without submitting it. */
  async sbatchTestOnly(args: string[]): Promise<void> {
    // --test-only answers on stderr: "sbatch: Job 3 to start at … using 1 processors on nodes vm in partition debug".
    await this.run('sbatch', ['--test-only', ...args]);
  }

  /** Submits a job and waits for it to end (sbatch --wait); returns the job's exit code. */
  async sbatchWait(args: string[], timeoutMs: number): Promise<number> {
    try {
      await this.run('sbatch', ['--parsable', '--wait', ...args], timeoutMs);
      return 0;
    } catch (e) {
      if (e instanceof SlurmCommandError && !e.missing && e.exitCode !== undefined) return e.exitCode;
      throw e;
    }
  }

  /** Every job of this user Slurm still knows, in one call (finished ones for MinJobAge seconds). */
  async squeue(): Promise<SlurmJobState[]> {
    const out = await this.run('squeue', ['--me', '--noheader', '--states=all', `--format=${SQUEUE_FORMAT}`]);
    const jobs: SlurmJobState[] = [];
    for (const line of out.split('\n')) {
      if (!line.trim()) continue;
      const parsed = squeueLineSchema.safeParse(line.trim().split('|'));
      if (!parsed.success) throw new SlurmCommandError('squeue', `unexpected line ${JSON.stringify(line)}`);
      const [jobId, state, reason, node] = parsed.data;
      jobs.push({ jobId, state, reason: reason === 'None' || reason === '' ? null : reason, node: node || null });
    }
    return jobs;
  }

  /**
   * How jobs ended, from Slurm's accounting (sacct), for jobs squeue has
   * forgotten; null where the cluster keeps no accounting (sacct missing, or
   * "accounting storage is disabled"). Job steps are left out.
   */
  async sacct(jobIds: string[]): Promise<SlurmJobState[] | null> {
    if (jobIds.length === 0) return [];
    for (const id of jobIds) jobIdSchema.parse(id);
    let out: string;
    try {
      out = await this.run('sacct', ['--noheader', '--parsable2', '--allocations', `--jobs=${jobIds.join(',')}`, '--format=JobID,State,NodeList']);
    } catch (e) {
      if (e instanceof SlurmCommandError && (e.missing || /accounting storage is disabled|slurmdbd|not running a supported accounting_storage/i.test(e.detail))) return null;
      throw e;
    }
    const jobs: SlurmJobState[] = [];
    for (const line of out.split('\n')) {
      if (!line.trim()) continue;
      const parsed = sacctLineSchema.safeParse(line.trim().split('|'));
      if (!parsed.success) throw new SlurmCommandError('sacct', `unexpected line ${JSON.stringify(line)}`);
      const [jobId, stateWords, node] = parsed.data;
      // "CANCELLED by 0": the state, then who.
      const [state, ...rest] = stateWords.split(' ');
      jobs.push({ jobId, state, reason: rest.length ? rest.join(' ') : null, node: node && node !== 'None assigned' ? node : null });
    }
    return jobs;
  }

  /** Sends a signal to a job's batch step (graceful stop), or ends the job (no signal). */
  async scancel(jobId: string, o: { signal?: 'TERM' | 'KILL' } = {}): Promise<void> {
    jobIdSchema.parse(jobId);
    await this.run('scancel', o.signal ? ['--batch', `--signal=${o.signal}`, jobId] : [jobId]);
  }

  /** The cluster's partition names. */
  async partitions(): Promise<string[]> {
    const out = await this.run('sinfo', ['--noheader', '--format=%R']);
    return z.array(z.string().regex(/^[\w.+-]+$/)).parse(out.split('\n').map((l) => l.trim()).filter(Boolean));
  }

  private run(command: string, args: string[], timeoutMs = this.o.timeoutMs ?? 30_000): Promise<string> {
    const file = this.o.binDir ? `${this.o.binDir}/${command}` : command;
    return new Promise((resolve, reject) => {
      execFile(file, args, { timeout: timeoutMs, env: this.o.env ?? process.env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const e = err as NodeJS.ErrnoException & { killed?: boolean; code?: number | string };
        if (e.code === 'ENOENT') return reject(new SlurmCommandError(command, 'not found', true));
        if (e.killed) return reject(new SlurmCommandError(command, `no answer within ${timeoutMs} ms`));
        const detail = stderr
          .split('\n')
          .map((l) => l.replace(/^\w+: (error|fatal): /, '').trim())
          .filter(Boolean)
          .join('; ');
        const failure = new SlurmCommandError(command, detail || `exit code ${String(e.code)}`);
        if (typeof e.code === 'number') failure.exitCode = e.code;
        reject(failure);
      });
    });
  }
}
