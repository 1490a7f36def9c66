/**
 * The Slurm CLI wrapper and the executor setting, without a cluster: fake
 * sbatch/squeue/scancel scripts stand in for Slurm's commands.
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SlurmCli } from '../../src/main/core/queue/slurm/slurmCli';
import { executorSettingSchema } from '../../src/shared/executors';
import { parseInput } from '../../src/shared/validate';

function fakeSlurm(scripts: Record<string, string>): { cli: SlurmCli; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'imlab-fake-slurm-'));
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return { cli: new SlurmCli({ binDir: dir, timeoutMs: 2000 }), dir };
}

describe('SlurmCli', () => {
  it('passes arguments as an array and parses sbatch --parsable', async () => {
    const { cli, dir } = fakeSlurm({ sbatch: `printf '%s\\n' "$@" > "$(dirname "$0")/args"; echo '4242;imlab'` });
    expect(await cli.sbatch(['--job-name=a b; rm -rf /', '--time=1'])).toBe('4242');
    expect(readFileSync(join(dir, 'args'), 'utf8').split('\n').slice(0, 3)).toEqual(['--parsable', '--job-name=a b; rm -rf /', '--time=1']);
  });

  it('rejects answers it cannot parse, Slurm errors and silence with the reason', async () => {
    await expect(fakeSlurm({ sbatch: 'echo Submitted batch job 12' }).cli.sbatch([])).rejects.toThrow(/sbatch failed: unexpected answer "Submitted batch job 12"/);
    await expect(fakeSlurm({ sbatch: 'echo "sbatch: error: invalid partition specified: x" >&2; exit 1' }).cli.sbatch([])).rejects.toThrow(/sbatch failed: invalid partition specified: x/);
    await expect(fakeSlurm({ squeue: 'sleep 5' }).cli.squeue()).rejects.toThrow(/squeue failed: no answer within 2000 ms/);
    await expect(new SlurmCli({ binDir: mkdtempSync(join(tmpdir(), 'imlab-nobin-')) }).squeue()).rejects.toMatchObject({ missing: true });
  });

  it('reads every job of the user from one squeue call', async () => {
    const { cli } = fakeSlurm({ squeue: `printf '7|PENDING|Resources|\\n8|RUNNING|None|node12\\n9|TIMEOUT|TimeLimit|node3\\n'` });
    expect(await cli.squeue()).toEqual([
      { jobId: '7', state: 'PENDING', reason: 'Resources', node: null },
      { jobId: '8', state: 'RUNNING', reason: null, node: 'node12' },
      { jobId: '9', state: 'TIMEOUT', reason: 'TimeLimit', node: 'node3' },
    ]);
    await expect(fakeSlurm({ squeue: `echo 'garbage'` }).cli.squeue()).rejects.toThrow(/unexpected line "garbage"/);
  });

  it('reads how forgotten jobs ended from sacct, and answers null where the cluster keeps no accounting', async () => {
    const { cli, dir } = fakeSlurm({ sacct: `printf '%s ' "$@" > "$(dirname "$0")/args"; printf '7|CANCELLED by 0|node2\\n8|NODE_FAIL|None assigned\\n'` });
    expect(await cli.sacct(['7', '8'])).toEqual([
      { jobId: '7', state: 'CANCELLED', reason: 'by 0', node: 'node2' },
      { jobId: '8', state: 'NODE_FAIL', reason: null, node: null },
    ]);
    expect(readFileSync(join(dir, 'args'), 'utf8')).toBe('--noheader --parsable2 --allocations --jobs=7,8 --format=JobID,State,NodeList ');
    expect(await fakeSlurm({ sacct: 'echo "Slurm accounting storage is disabled" >&2; exit 1' }).cli.sacct(['7'])).toBeNull();
    expect(await new SlurmCli({ binDir: mkdtempSync(join(tmpdir(), 'imlab-nobin-')) }).sacct(['7'])).toBeNull();
    await expect(fakeSlurm({ sacct: 'echo "sacct: error: Problem talking to the database" >&2; exit 1' }).cli.sacct(['7'])).rejects.toThrow(/sacct failed: Problem talking to the database/);
    await expect(cli.sacct(['7;rm'])).rejects.toThrow(/expected a job id/);
  });

  it('signals the batch step for a graceful stop and refuses a bad job id', async () => {
    const { cli, dir } = fakeSlurm({ scancel: `printf '%s ' "$@" >> "$(dirname "$0")/calls"; echo >> "$(dirname "$0")/calls"` });
    await cli.scancel('12', { signal: 'TERM' });
    await cli.scancel('12');
    expect(readFileSync(join(dir, 'calls'), 'utf8')).toBe('--batch --signal=TERM 12 \n12 \n');
    await expect(cli.scancel('12 13')).rejects.toThrow(/expected a job id/);
  });
});

describe('executor setting', () => {
  const parse = (v: unknown) => parseInput(executorSettingSchema, v, 'executor');
  it('fills in published defaults', () => {
    expect(parse({ kind: 'slurm' })).toEqual({ kind: 'slurm', timeLimit: '4:00:00', cpusPerTask: 1, extraArgs: [], maxJobs: 100, resubmit: { preemption: 2, nodeFailure: 2, timeLimit: 0 } });
    expect(parse({ kind: 'slurm', resubmit: { timeLimit: 3 } })).toMatchObject({ resubmit: { preemption: 2, nodeFailure: 2, timeLimit: 3 } });
    expect(parse({ kind: 'local' })).toEqual({ kind: 'local' });
  });
  it('names the field and the problem', () => {
    expect(() => parse({ kind: 'slurm', timeLimit: '2h' })).toThrow(/executor: timeLimit: expected a Slurm time limit/);
    expect(() => parse({ kind: 'slurm', partition: 'a b' })).toThrow(/executor: partition: expected a Slurm partition name/);
    expect(() => parse({ kind: 'slurm', memory: 'lots' })).toThrow(/executor: memory: expected an amount like 4G/);
    expect(() => parse({ kind: 'slurm', cpusPerTask: 0 })).toThrow(/executor: cpusPerTask:/);
    expect(() => parse({ kind: 'slurm', extraArgs: ['--job-name=x'] })).toThrow(/executor: extraArgs\[0\]: this sbatch option is set by Imitation Lab itself/);
    expect(() => parse({ kind: 'slurm', extraArgs: ['rm -rf'] })).toThrow(/executor: extraArgs\[0\]: expected an sbatch option/);
    expect(() => parse({ kind: 'slurm', nodes: 3 })).toThrow(/executor: .*nodes/);
    expect(() => parse({ kind: 'k8s' })).toThrow(/executor: kind:/);
    expect(() => parse({ kind: 'slurm', resubmit: { nodeFailure: -1 } })).toThrow(/executor: resubmit.nodeFailure:/);
    expect(() => parse({ kind: 'slurm', resubmit: { oom: 1 } })).toThrow(/executor: resubmit.*oom/);
  });
});
