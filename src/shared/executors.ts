/**
 * Where a run executes: on this machine (a child process) or as a Slurm job.
 * A run's setting is given when it is queued; without one it uses the queue's
 * default (configureQueue).
 */
import { z } from 'zod';

/** Slurm's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
const SLURM_TIME = /^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d{1,2}|\d+-\d{1,2}:\d{1,2}|\d+-\d{1,2}:\d{1,2}:\d{1,2})$/;
const SLURM_NAME = /^[A-Za-z0-9_.+-]+$/;
/** Options the executor sets itself: the job's output, its name and how it is watched. */
const RESERVED = ['--parsable', '--output', '--error', '--job-name', '--chdir', '--wait', '--wrap', '--array', '-o', '-e', '-J', '-D', '-W', '-a'];

export const localExecutorSchema = z.object({ kind: z.literal('local') }).strict();

export const slurmExecutorSchema = z
  .object({
    kind: z.literal('slurm'),
    partition: z.string().regex(SLURM_NAME, 'expected a Slurm partition name (letters, digits, _ . + -)').optional().describe("sbatch --partition; the cluster's default partition when absent"),
    account: z.string().regex(SLURM_NAME, 'expected a Slurm account name (letters, digits, _ . + -)').optional().describe('sbatch --account'),
    timeLimit: z
      .string()
      .regex(SLURM_TIME, 'expected a Slurm time limit: minutes, MM:SS, HH:MM:SS or D-HH:MM:SS')
      .default('4:00:00')
      .describe('sbatch --time per run; a run Slurm stops at its limit is interrupted and resumes from its last checkpoint'),
    cpusPerTask: z.int().min(1).max(1024).default(1).describe('sbatch --cpus-per-task'),
    memory: z
      .string()
      .regex(/^\d+[KMGT]?$/, 'expected an amount like 4G or 4000M')
      .optional()
      .describe("sbatch --mem (per node); the partition's default when absent"),
    extraArgs: z
      .array(
        z
          .string()
          .regex(/^--?[A-Za-z]/, 'expected an sbatch option such as --qos=normal')
          .refine((a) => !RESERVED.includes(a.split('=')[0]), { message: 'this sbatch option is set by Imitation Lab itself' }),
      )
      .max(50)
      .default([])
      .describe('further sbatch options, one per element, e.g. ["--qos=normal", "--gres=gpu:1"]'),
    maxJobs: z.int().min(1).max(10_000).default(100).describe('runs submitted to Slurm at once (the local concurrency limit does not apply)'),
    resubmit: z
      .object({
        preemption: z
          .int()
          .min(0)
          .max(100)
          .default(2)
          .describe('times a run whose job Slurm preempted is submitted again on its own, continuing from its last checkpoint (the cluster stopped it, not the run)'),
        nodeFailure: z
          .int()
          .min(0)
          .max(100)
          .default(2)
          .describe('times a run whose node failed (NODE_FAIL, BOOT_FAIL) is submitted again on its own; a cap, so a run that keeps breaking nodes stops'),
        timeLimit: z
          .int()
          .min(0)
          .max(100)
          .default(0)
          .describe('times a run Slurm stopped at its time limit is submitted again on its own, each job continuing where the last one stopped (chains jobs on a partition with a short maximum time); 0: it stays interrupted, so a limit set too short by mistake does not spend the allocation again'),
      })
      .strict()
      .default({ preemption: 2, nodeFailure: 2, timeLimit: 0 })
      .describe('automatic resubmissions of runs Slurm stopped, per cause, counted per queued attempt (resume and retry start again from 0)'),
  })
  .strict();

export const executorSettingSchema = z.discriminatedUnion('kind', [localExecutorSchema, slurmExecutorSchema], {
  error: 'expected {"kind": "local"} or {"kind": "slurm", …}',
});

export type ExecutorSettingInput = z.input<typeof executorSettingSchema>;
export type ExecutorSetting = z.output<typeof executorSettingSchema>;
export type SlurmExecutorSetting = z.output<typeof slurmExecutorSchema>;

export const DEFAULT_EXECUTOR: ExecutorSetting = { kind: 'local' };

/** Where a run is executing, for display: which executor, and for Slurm the job and what Slurm says about it. */
export interface RunPlacement {
  kind: 'local' | 'slurm';
  /** Slurm's job id. */
  jobId?: string;
  /** Slurm's job state: PENDING, RUNNING, COMPLETED, TIMEOUT, … */
  state?: string;
  /** Slurm's reason, e.g. why the job is pending (Priority, Resources) or why it ended. */
  reason?: string | null;
  /** The node the job runs on. */
  node?: string | null;
  /** Earlier jobs of this run that Slurm stopped, each followed by an automatic resubmission, oldest first. */
  resubmitted?: { jobId: string; state: string; reason: string }[];
}

/**
 * Where a run executes, in words, for Slurm runs: the job, Slurm's state and
 * reason or node, and the earlier jobs Slurm stopped before the run was
 * submitted again; null for local runs.
 */
export function placementText(p: RunPlacement | null | undefined): string | null {
  if (p?.kind !== 'slurm' || !p.jobId) return null;
  const state = p.state ?? 'submitted';
  const detail = p.state === 'RUNNING' && p.node ? ` on ${p.node}` : p.reason ? ` (${p.reason})` : p.node ? ` on ${p.node}` : '';
  const earlier = (p.resubmitted ?? []).map((r) => `${r.jobId} ${r.state}`).join(', ');
  return `Slurm job ${p.jobId}: ${state}${detail}${earlier ? `; submitted again after job ${earlier}` : ''}`;
}
